package io.jcri.server.network;

import java.nio.file.Path;
import java.util.List;

/** What a pod's network ADD needs: its identity (for CNI_ARGS), the pinned netns and the hostPorts. */
public record PodNetworkRequest(String sandboxId, Path netns, String podName, String podNamespace, String podUid,
                                List<PortMapping> portMappings) {
    public PodNetworkRequest {
        portMappings = List.copyOf(portMappings);
    }

    String cniArgs() {
        return "IgnoreUnknown=1;K8S_POD_NAMESPACE=" + podNamespace + ";K8S_POD_NAME=" + podName
                + ";K8S_POD_INFRA_CONTAINER_ID=" + sandboxId + ";K8S_POD_UID=" + podUid;
    }
}
