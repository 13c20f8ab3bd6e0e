package io.jcri.runtime;

import java.util.concurrent.CompletableFuture;

/** A streaming exec (CRI Exec): its stdio, its exit code once done, and a way to kill it. */
public interface ExecProcess {
    long pid();

    ProcessIO io();

    /** Completes with the exit code (or 128 + signal). */
    CompletableFuture<Integer> exitCode();

    void kill(int signal);

    /** Resizes the tty (CRI Exec with tty and resize events). */
    void resize(int columns, int rows);
}
