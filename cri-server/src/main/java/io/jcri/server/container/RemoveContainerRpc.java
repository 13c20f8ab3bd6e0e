package io.jcri.server.container;

import io.jcri.cri.v1.RemoveContainerRequest;
import io.jcri.cri.v1.RemoveContainerResponse;
import io.jcri.server.grpc.CriException;
import io.jcri.server.store.ContainerStore;

/** {@code RemoveContainer}: also of a running container (stopped first); idempotent. */
public final class RemoveContainerRpc {
    private final ContainerStore containers;
    private final ContainerLifecycle lifecycle;

    public RemoveContainerRpc(ContainerStore containers, ContainerLifecycle lifecycle) {
        this.containers = containers;
        this.lifecycle = lifecycle;
    }

    public RemoveContainerResponse remove(RemoveContainerRequest request) {
        if (request.getContainerId().isEmpty()) {
            throw CriException.invalidArgument("container_id is empty");
        }
        containers.find(request.getContainerId()).ifPresent(c -> {
            synchronized (c) {
                lifecycle.remove(c);
            }
        });
        return RemoveContainerResponse.getDefaultInstance();
    }
}
