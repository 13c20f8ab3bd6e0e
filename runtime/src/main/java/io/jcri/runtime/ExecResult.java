package io.jcri.runtime;

/** CRI ExecSyncResponse: captured output and exit code; {@code timedOut} when the process was killed at the deadline. */
public record ExecResult(int exitCode, byte[] stdout, byte[] stderr, boolean timedOut) {}
