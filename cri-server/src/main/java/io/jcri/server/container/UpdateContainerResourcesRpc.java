package io.jcri.server.container;

import io.jcri.cri.v1.UpdateContainerResourcesRequest;
import io.jcri.cri.v1.UpdateContainerResourcesResponse;
import io.jcri.runtime.ContainerRuntime;
import io.jcri.server.store.Container;
import io.jcri.server.store.ContainerStore;

/** {@code UpdateContainerResources}: applies new cgroup limits to a live container. */
public final class UpdateContainerResourcesRpc {
    private final ContainerStore containers;
    private final ContainerRuntime runtime;

    public UpdateContainerResourcesRpc(ContainerStore containers, ContainerRuntime runtime) {
        this.containers = containers;
        this.runtime = runtime;
    }

    public UpdateContainerResourcesResponse update(UpdateContainerResourcesRequest request) {
        Container c = containers.get(request.getContainerId());
        runtime.updateResources(c.id(), ResourcesMapper.toRuntime(request.getLinux()));
        return UpdateContainerResourcesResponse.getDefaultInstance();
    }
}
