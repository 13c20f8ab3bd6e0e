package io.jcri.server.container;

import io.jcri.cri.v1.LinuxContainerResources;
import io.jcri.cri.v1.UpdateContainerResourcesRequest;
import io.jcri.cri.v1.UpdateContainerResourcesResponse;
import io.jcri.runtime.ContainerRuntime;
import io.jcri.server.store.Container;
import io.jcri.server.store.ContainerStore;
import io.jcri.server.validation.ResourceChecks;

/**
 * {@code UpdateContainerResources}: applies new cgroup limits to a live container and records them, so that
 * ContainerStatus.resources (which kubelet's in-place resize reads back) and the stats' available_bytes follow.
 * As in containerd, a zero field means "leave as is".
 */
public final class UpdateContainerResourcesRpc {
    private final ContainerStore containers;
    private final ContainerRuntime runtime;

    public UpdateContainerResourcesRpc(ContainerStore containers, ContainerRuntime runtime) {
        this.containers = containers;
        this.runtime = runtime;
    }

    public UpdateContainerResourcesResponse update(UpdateContainerResourcesRequest request) {
        ResourceChecks.check("UpdateContainerResources", "linux", request.getLinux());
        Container c = containers.get(request.getContainerId());
        apply(c, request.getLinux());
        return UpdateContainerResourcesResponse.getDefaultInstance();
    }

    /** Also used by UpdatePodSandboxResources for each container of the pod. */
    public void apply(Container c, LinuxContainerResources update) {
        synchronized (c) {
            try {
                runtime.updateResources(c.id(), ResourcesMapper.toRuntime(update));
            } catch (io.jcri.runtime.cgroup.CgroupException e) {
                throw KernelRefusals.ofUpdate(c, update, e);
            }
            containers.replace(c.withResources(merged(c.config().getLinux().getResources(), update)));
        }
    }

    static LinuxContainerResources merged(LinuxContainerResources old, LinuxContainerResources update) {
        LinuxContainerResources.Builder b = old.toBuilder();
        if (update.getHugepageLimitsCount() > 0) {
            b.clearHugepageLimits();
        }
        return b.mergeFrom(update).build();
    }
}
