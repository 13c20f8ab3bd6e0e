package io.jcri.server.runtime;

import io.jcri.cri.v1.VersionRequest;
import io.jcri.cri.v1.VersionResponse;
import io.jcri.server.BuildInfo;

/** {@code Version}: what kubelet and {@code crictl version} check first. */
public final class VersionRpc {
    private final VersionResponse response = VersionResponse.newBuilder()
            .setVersion(BuildInfo.KUBELET_API_VERSION)
            .setRuntimeName(BuildInfo.RUNTIME_NAME)
            .setRuntimeVersion(BuildInfo.version())
            .setRuntimeApiVersion(BuildInfo.RUNTIME_API_VERSION)
            .build();

    public VersionResponse version(VersionRequest request) {
        return response;
    }
}
