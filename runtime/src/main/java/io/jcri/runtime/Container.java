package io.jcri.runtime;

import io.jcri.runtime.cgroup.Cgroup;
import io.jcri.runtime.state.ContainerRecord;
import io.jcri.runtime.supervise.Exit;

import java.util.concurrent.CompletableFuture;

/** The daemon's live view of one container: its persisted record plus process handles. Guarded by itself. */
final class Container {
    ContainerRecord record;
    final Cgroup cgroup;
    int pidfd = -1;
    CompletableFuture<Exit> exit = new CompletableFuture<>();
    /** Completes with the final state once the exit is recorded (see {@link ContainerRuntime#exited}). */
    final CompletableFuture<ContainerState> exited = new CompletableFuture<>();
    long oomKillsAtStart;

    Container(ContainerRecord record, Cgroup cgroup) {
        this.record = record;
        this.cgroup = cgroup;
    }

    String id() {
        return record.spec().id();
    }

    ContainerState state() {
        ContainerRecord r = record;
        return new ContainerState(r.spec().id(), r.spec().podId(), r.status(), r.pid(), r.createdAt(),
                r.startedAt(), r.finishedAt(), r.exitCode(), r.oomKilled(), r.exitKnown());
    }
}
