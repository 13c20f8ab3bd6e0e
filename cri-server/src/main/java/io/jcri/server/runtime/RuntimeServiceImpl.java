package io.jcri.server.runtime;

import static io.jcri.server.grpc.Replies.reply;

import io.grpc.stub.StreamObserver;
import io.jcri.cri.v1.AttachRequest;
import io.jcri.cri.v1.AttachResponse;
import io.jcri.cri.v1.ContainerStatusRequest;
import io.jcri.cri.v1.ContainerStatusResponse;
import io.jcri.cri.v1.CreateContainerRequest;
import io.jcri.cri.v1.CreateContainerResponse;
import io.jcri.cri.v1.ExecRequest;
import io.jcri.cri.v1.ExecResponse;
import io.jcri.cri.v1.ExecSyncRequest;
import io.jcri.cri.v1.ExecSyncResponse;
import io.jcri.cri.v1.ListContainersRequest;
import io.jcri.cri.v1.ListContainersResponse;
import io.jcri.cri.v1.ListPodSandboxRequest;
import io.jcri.cri.v1.ListPodSandboxResponse;
import io.jcri.cri.v1.PodSandboxStatusRequest;
import io.jcri.cri.v1.PortForwardRequest;
import io.jcri.cri.v1.PortForwardResponse;
import io.jcri.cri.v1.PodSandboxStatusResponse;
import io.jcri.cri.v1.RemoveContainerRequest;
import io.jcri.cri.v1.RemoveContainerResponse;
import io.jcri.cri.v1.RemovePodSandboxRequest;
import io.jcri.cri.v1.RemovePodSandboxResponse;
import io.jcri.cri.v1.ReopenContainerLogRequest;
import io.jcri.cri.v1.ReopenContainerLogResponse;
import io.jcri.cri.v1.RunPodSandboxRequest;
import io.jcri.cri.v1.RunPodSandboxResponse;
import io.jcri.cri.v1.RuntimeConfigRequest;
import io.jcri.cri.v1.RuntimeConfigResponse;
import io.jcri.cri.v1.RuntimeServiceGrpc;
import io.jcri.cri.v1.StartContainerRequest;
import io.jcri.cri.v1.StartContainerResponse;
import io.jcri.cri.v1.StatusRequest;
import io.jcri.cri.v1.StatusResponse;
import io.jcri.cri.v1.StopContainerRequest;
import io.jcri.cri.v1.StopContainerResponse;
import io.jcri.cri.v1.StopPodSandboxRequest;
import io.jcri.cri.v1.StopPodSandboxResponse;
import io.jcri.cri.v1.UpdateContainerResourcesRequest;
import io.jcri.cri.v1.UpdateContainerResourcesResponse;
import io.jcri.cri.v1.UpdateRuntimeConfigRequest;
import io.jcri.cri.v1.UpdateRuntimeConfigResponse;
import io.jcri.cri.v1.VersionRequest;
import io.jcri.cri.v1.VersionResponse;

/**
 * {@code runtime.v1.RuntimeService}: a thin dispatcher; each RPC lives in its own class (see {@link RuntimeRpcs}).
 * RPCs not overridden here answer UNIMPLEMENTED with a message naming the method (grpc-java's default).
 */
public final class RuntimeServiceImpl extends RuntimeServiceGrpc.RuntimeServiceImplBase {
    private final RuntimeRpcs rpcs;

    public RuntimeServiceImpl(RuntimeRpcs rpcs) {
        this.rpcs = rpcs;
    }

    @Override
    public void version(VersionRequest request, StreamObserver<VersionResponse> response) {
        reply(response, rpcs.version().version(request));
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> response) {
        reply(response, rpcs.status().status(request));
    }

    @Override
    public void runtimeConfig(RuntimeConfigRequest request, StreamObserver<RuntimeConfigResponse> response) {
        reply(response, rpcs.runtimeConfig().runtimeConfig(request));
    }

    @Override
    public void updateRuntimeConfig(UpdateRuntimeConfigRequest request,
                                    StreamObserver<UpdateRuntimeConfigResponse> response) {
        reply(response, rpcs.runtimeConfig().updateRuntimeConfig(request));
    }

    @Override
    public void runPodSandbox(RunPodSandboxRequest request, StreamObserver<RunPodSandboxResponse> response) {
        reply(response, rpcs.runPodSandbox().run(request));
    }

    @Override
    public void stopPodSandbox(StopPodSandboxRequest request, StreamObserver<StopPodSandboxResponse> response) {
        reply(response, rpcs.stopPodSandbox().stop(request));
    }

    @Override
    public void removePodSandbox(RemovePodSandboxRequest request, StreamObserver<RemovePodSandboxResponse> response) {
        reply(response, rpcs.removePodSandbox().remove(request));
    }

    @Override
    public void podSandboxStatus(PodSandboxStatusRequest request, StreamObserver<PodSandboxStatusResponse> response) {
        reply(response, rpcs.podSandboxStatus().status(request));
    }

    @Override
    public void listPodSandbox(ListPodSandboxRequest request, StreamObserver<ListPodSandboxResponse> response) {
        reply(response, rpcs.listPodSandbox().list(request));
    }

    @Override
    public void createContainer(CreateContainerRequest request, StreamObserver<CreateContainerResponse> response) {
        reply(response, rpcs.createContainer().create(request));
    }

    @Override
    public void startContainer(StartContainerRequest request, StreamObserver<StartContainerResponse> response) {
        reply(response, rpcs.startContainer().start(request));
    }

    @Override
    public void stopContainer(StopContainerRequest request, StreamObserver<StopContainerResponse> response) {
        reply(response, rpcs.stopContainer().stop(request));
    }

    @Override
    public void removeContainer(RemoveContainerRequest request, StreamObserver<RemoveContainerResponse> response) {
        reply(response, rpcs.removeContainer().remove(request));
    }

    @Override
    public void containerStatus(ContainerStatusRequest request, StreamObserver<ContainerStatusResponse> response) {
        reply(response, rpcs.containerStatus().status(request));
    }

    @Override
    public void listContainers(ListContainersRequest request, StreamObserver<ListContainersResponse> response) {
        reply(response, rpcs.listContainers().list(request));
    }

    @Override
    public void updateContainerResources(UpdateContainerResourcesRequest request,
                                         StreamObserver<UpdateContainerResourcesResponse> response) {
        reply(response, rpcs.updateContainerResources().update(request));
    }

    @Override
    public void reopenContainerLog(ReopenContainerLogRequest request,
                                   StreamObserver<ReopenContainerLogResponse> response) {
        reply(response, rpcs.reopenContainerLog().reopen(request));
    }

    @Override
    public void execSync(ExecSyncRequest request, StreamObserver<ExecSyncResponse> response) {
        reply(response, rpcs.execSync().execSync(request));
    }

    @Override
    public void exec(ExecRequest request, StreamObserver<ExecResponse> response) {
        reply(response, rpcs.streaming().exec(request));
    }

    @Override
    public void attach(AttachRequest request, StreamObserver<AttachResponse> response) {
        reply(response, rpcs.streaming().attach(request));
    }

    @Override
    public void portForward(PortForwardRequest request, StreamObserver<PortForwardResponse> response) {
        reply(response, rpcs.streaming().portForward(request));
    }
}
