package io.jcri.server.sandbox;

import io.jcri.cri.v1.LinuxContainerResources;
import io.jcri.cri.v1.UpdatePodSandboxResourcesRequest;
import io.jcri.cri.v1.UpdatePodSandboxResourcesResponse;
import io.jcri.server.store.Sandbox;
import io.jcri.server.store.SandboxStore;
import java.util.logging.Logger;

/**
 * {@code UpdatePodSandboxResources} (in-place pod resize): accepted and recorded, not applied. kubelet resizes
 * the pod-level cgroup itself and then the containers through UpdateContainerResources; jcri has no pod-level
 * cgroup of its own (no pause container), so there is nothing to change here. containerd likewise only hands the
 * values to NRI plugins. The recorded resources show in PodSandboxStatus's verbose info ({@code podResources}).
 */
public final class UpdatePodSandboxResourcesRpc {
    private static final Logger LOG = Logger.getLogger(UpdatePodSandboxResourcesRpc.class.getName());

    private final SandboxStore sandboxes;

    public UpdatePodSandboxResourcesRpc(SandboxStore sandboxes) {
        this.sandboxes = sandboxes;
    }

    public UpdatePodSandboxResourcesResponse update(UpdatePodSandboxResourcesRequest request) {
        Sandbox s = sandboxes.get(request.getPodSandboxId());
        LinuxContainerResources resources = request.getResources();
        io.jcri.server.validation.ResourceChecks.check("UpdatePodSandboxResources", "resources", resources);
        sandboxes.updatePodResources(s, resources);
        LOG.fine("sandbox " + s.id() + ": recorded pod resources " + resources.toString().replace('\n', ' ')
                + (request.hasOverhead() ? " overhead " + request.getOverhead().toString().replace('\n', ' ') : ""));
        return UpdatePodSandboxResourcesResponse.getDefaultInstance();
    }
}
