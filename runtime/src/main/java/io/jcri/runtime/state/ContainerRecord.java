package io.jcri.runtime.state;

import io.jcri.runtime.ContainerSpec;
import io.jcri.runtime.ContainerStatus;

import java.time.Instant;

/**
 * The persisted form of one container: its spec and lifecycle facts. {@code pidStartTime} (field 22 of
 * /proc/pid/stat) tells a restarted daemon whether {@code pid} still names the same process.
 */
public record ContainerRecord(ContainerSpec spec, ContainerStatus status, long pid, long pidStartTime,
                              Instant createdAt, Instant startedAt, Instant finishedAt, Integer exitCode,
                              boolean oomKilled, boolean exitKnown, String cgroupParent) {
    public ContainerRecord withStatus(ContainerStatus s, long pid, long startTime, Instant started) {
        return new ContainerRecord(spec, s, pid, startTime, createdAt, started, finishedAt, exitCode, oomKilled,
                exitKnown, cgroupParent);
    }

    public ContainerRecord exited(Instant at, int code, boolean oom, boolean known) {
        return new ContainerRecord(spec, ContainerStatus.EXITED, pid, pidStartTime, createdAt, startedAt, at, code,
                oom, known, cgroupParent);
    }
}
