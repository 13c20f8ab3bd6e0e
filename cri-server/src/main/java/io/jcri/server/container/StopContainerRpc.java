package io.jcri.server.container;

import io.jcri.cri.v1.StopContainerRequest;
import io.jcri.cri.v1.StopContainerResponse;
import io.jcri.server.grpc.CriException;
import io.jcri.server.store.ContainerStore;
import java.time.Duration;

/** {@code StopContainer}: the stop signal, SIGKILL after {@code timeout} seconds; idempotent. */
public final class StopContainerRpc {
    private final ContainerStore containers;
    private final ContainerLifecycle lifecycle;

    public StopContainerRpc(ContainerStore containers, ContainerLifecycle lifecycle) {
        this.containers = containers;
        this.lifecycle = lifecycle;
    }

    public StopContainerResponse stop(StopContainerRequest request) {
        if (request.getTimeout() < 0) {
            throw CriException.invalidArgument("StopContainer: timeout must be >= 0, got " + request.getTimeout());
        }
        lifecycle.stop(containers.get(request.getContainerId()), Duration.ofSeconds(request.getTimeout()));
        return StopContainerResponse.getDefaultInstance();
    }
}
