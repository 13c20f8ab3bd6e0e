package io.jcri.server.runtime;

import static io.jcri.server.grpc.Replies.reply;

import io.grpc.stub.StreamObserver;
import io.jcri.cri.v1.RuntimeConfigRequest;
import io.jcri.cri.v1.RuntimeConfigResponse;
import io.jcri.cri.v1.RuntimeServiceGrpc;
import io.jcri.cri.v1.StatusRequest;
import io.jcri.cri.v1.StatusResponse;
import io.jcri.cri.v1.UpdateRuntimeConfigRequest;
import io.jcri.cri.v1.UpdateRuntimeConfigResponse;
import io.jcri.cri.v1.VersionRequest;
import io.jcri.cri.v1.VersionResponse;

/**
 * {@code runtime.v1.RuntimeService}: a thin dispatcher; each RPC group lives in its own class. RPCs not
 * overridden here answer UNIMPLEMENTED with a message naming the method (grpc-java's default).
 */
public final class RuntimeServiceImpl extends RuntimeServiceGrpc.RuntimeServiceImplBase {
    private final VersionRpc version;
    private final StatusRpc status;
    private final RuntimeConfigRpc runtimeConfig;

    public RuntimeServiceImpl(VersionRpc version, StatusRpc status, RuntimeConfigRpc runtimeConfig) {
        this.version = version;
        this.status = status;
        this.runtimeConfig = runtimeConfig;
    }

    @Override
    public void version(VersionRequest request, StreamObserver<VersionResponse> response) {
        reply(response, version.version(request));
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> response) {
        reply(response, status.status(request));
    }

    @Override
    public void runtimeConfig(RuntimeConfigRequest request, StreamObserver<RuntimeConfigResponse> response) {
        reply(response, runtimeConfig.runtimeConfig(request));
    }

    @Override
    public void updateRuntimeConfig(UpdateRuntimeConfigRequest request,
                                    StreamObserver<UpdateRuntimeConfigResponse> response) {
        reply(response, runtimeConfig.updateRuntimeConfig(request));
    }
}
