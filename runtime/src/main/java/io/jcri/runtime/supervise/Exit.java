package io.jcri.runtime.supervise;

import java.time.Instant;

/**
 * How a process ended. {@code code} follows the shell/CRI convention: the exit status, or 128 + signal number.
 * {@code known} is false when a restarted daemon could not learn the status (kernel without PIDFD_INFO_EXIT).
 */
public record Exit(int code, int signal, Instant at, boolean known) {
    static Exit fromWaitStatus(int status, Instant at) {
        int sig = status & 0x7f;
        if (sig == 0) return new Exit((status >> 8) & 0xff, 0, at, true);
        return new Exit(128 + sig, sig, at, true);
    }
}
