package io.jcri.server.container;

import io.jcri.cri.v1.ReopenContainerLogRequest;
import io.jcri.cri.v1.ReopenContainerLogResponse;
import io.jcri.runtime.ContainerRuntime;
import io.jcri.runtime.ContainerStatus;
import io.jcri.server.grpc.CriException;
import io.jcri.server.store.Container;
import io.jcri.server.store.ContainerStore;
import java.io.IOException;
import java.io.UncheckedIOException;

/** {@code ReopenContainerLog}: kubelet renamed the log file away; open a new one at the same path. */
public final class ReopenContainerLogRpc {
    private final ContainerStore containers;
    private final ContainerRuntime runtime;
    private final ContainerLogs logs;

    public ReopenContainerLogRpc(ContainerStore containers, ContainerRuntime runtime, ContainerLogs logs) {
        this.containers = containers;
        this.runtime = runtime;
        this.logs = logs;
    }

    public ReopenContainerLogResponse reopen(ReopenContainerLogRequest request) {
        Container c = containers.get(request.getContainerId());
        if (runtime.state(c.id()).status() != ContainerStatus.RUNNING) {
            throw CriException.failedPrecondition("ReopenContainerLog: container " + c.id() + " is not running");
        }
        try {
            if (!logs.reopen(c.id())) {
                throw CriException.failedPrecondition("ReopenContainerLog: container " + c.id() + " has no log file");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reopen the log of " + c.id(), e);
        }
        return ReopenContainerLogResponse.getDefaultInstance();
    }
}
