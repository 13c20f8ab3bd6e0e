package io.jcri.runtime;

import java.time.Instant;

/**
 * What CRI ContainerStatus needs. {@code pid} is the container's init as seen from the host (crictl's info.pid);
 * {@code exitCode} is the exit status or 128 + signal; {@code exitKnown} is false when a restarted daemon could
 * not learn a status.
 */
public record ContainerState(String id, String podId, ContainerStatus status, long pid, Instant createdAt,
                             Instant startedAt, Instant finishedAt, Integer exitCode, boolean oomKilled,
                             boolean exitKnown) {
    public String reason() {
        if (status != ContainerStatus.EXITED) return "";
        if (oomKilled) return "OOMKilled";
        return exitCode != null && exitCode == 0 ? "Completed" : "Error";
    }
}
