package io.jcri.server.container;

import io.jcri.cri.v1.StopContainerRequest;
import io.jcri.cri.v1.StopContainerResponse;
import io.jcri.server.validation.Timeouts;
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
        Duration timeout = Timeouts.seconds("StopContainer", "timeout", request.getTimeout());
        lifecycle.stop(containers.get(request.getContainerId()), timeout);
        return StopContainerResponse.getDefaultInstance();
    }
}
