package io.jcri.server.runtime;

import static io.jcri.server.grpc.Replies.reply;

import io.grpc.stub.StreamObserver;
import io.jcri.cri.v1.CheckpointContainerRequest;
import io.jcri.cri.v1.CheckpointContainerResponse;
import io.jcri.cri.v1.ContainerEventResponse;
import io.jcri.cri.v1.ContainerStatsRequest;
import io.jcri.cri.v1.ContainerStatsResponse;
import io.jcri.cri.v1.GetEventsRequest;
import io.jcri.cri.v1.ListContainerStatsRequest;
import io.jcri.cri.v1.ListContainerStatsResponse;
import io.jcri.cri.v1.ListMetricDescriptorsRequest;
import io.jcri.cri.v1.ListMetricDescriptorsResponse;
import io.jcri.cri.v1.ListPodSandboxMetricsRequest;
import io.jcri.cri.v1.ListPodSandboxMetricsResponse;
import io.jcri.cri.v1.ListPodSandboxStatsRequest;
import io.jcri.cri.v1.ListPodSandboxStatsResponse;
import io.jcri.cri.v1.PodSandboxStatsRequest;
import io.jcri.cri.v1.PodSandboxStatsResponse;
import io.jcri.cri.v1.StreamContainerStatsRequest;
import io.jcri.cri.v1.StreamContainerStatsResponse;
import io.jcri.cri.v1.StreamContainersRequest;
import io.jcri.cri.v1.StreamContainersResponse;
import io.jcri.cri.v1.StreamPodSandboxMetricsRequest;
import io.jcri.cri.v1.StreamPodSandboxMetricsResponse;
import io.jcri.cri.v1.StreamPodSandboxStatsRequest;
import io.jcri.cri.v1.StreamPodSandboxStatsResponse;
import io.jcri.cri.v1.StreamPodSandboxesRequest;
import io.jcri.cri.v1.StreamPodSandboxesResponse;
import io.jcri.cri.v1.UpdatePodSandboxResourcesRequest;
import io.jcri.cri.v1.UpdatePodSandboxResourcesResponse;
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
 * RPCs not overridden here answer UNIMPLEMENTED with a message naming the method (grpc-java's default); those
 * left out on purpose are overridden to say why (see {@link UnimplementedRpcs}).
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

    // ---- stats, events, metrics, pod resources ---------------------------------------------------------

    @Override
    public void containerStats(ContainerStatsRequest request, StreamObserver<ContainerStatsResponse> response) {
        reply(response, rpcs.containerStats().stats(request));
    }

    @Override
    public void listContainerStats(ListContainerStatsRequest request,
                                   StreamObserver<ListContainerStatsResponse> response) {
        reply(response, rpcs.containerStats().list(request));
    }

    @Override
    public void podSandboxStats(PodSandboxStatsRequest request, StreamObserver<PodSandboxStatsResponse> response) {
        reply(response, rpcs.podSandboxStats().stats(request));
    }

    @Override
    public void listPodSandboxStats(ListPodSandboxStatsRequest request,
                                    StreamObserver<ListPodSandboxStatsResponse> response) {
        reply(response, rpcs.podSandboxStats().list(request));
    }

    @Override
    public void listMetricDescriptors(ListMetricDescriptorsRequest request,
                                      StreamObserver<ListMetricDescriptorsResponse> response) {
        reply(response, rpcs.podSandboxMetrics().descriptors(request));
    }

    @Override
    public void listPodSandboxMetrics(ListPodSandboxMetricsRequest request,
                                      StreamObserver<ListPodSandboxMetricsResponse> response) {
        reply(response, rpcs.podSandboxMetrics().metrics(request));
    }

    @Override
    public void updatePodSandboxResources(UpdatePodSandboxResourcesRequest request,
                                          StreamObserver<UpdatePodSandboxResourcesResponse> response) {
        reply(response, rpcs.updatePodSandboxResources().update(request));
    }

    @Override
    public void getContainerEvents(GetEventsRequest request, StreamObserver<ContainerEventResponse> response) {
        rpcs.containerEvents().subscribe(request, response);
    }

    // ---- UNIMPLEMENTED on purpose, with the reason -------------------------------------------------------

    @Override
    public void checkpointContainer(CheckpointContainerRequest request,
                                    StreamObserver<CheckpointContainerResponse> response) {
        UnimplementedRpcs.checkpoint(response);
    }

    @Override
    public void streamPodSandboxes(StreamPodSandboxesRequest request,
                                   StreamObserver<StreamPodSandboxesResponse> response) {
        UnimplementedRpcs.listStream(response, "StreamPodSandboxes", "ListPodSandbox");
    }

    @Override
    public void streamContainers(StreamContainersRequest request, StreamObserver<StreamContainersResponse> response) {
        UnimplementedRpcs.listStream(response, "StreamContainers", "ListContainers");
    }

    @Override
    public void streamContainerStats(StreamContainerStatsRequest request,
                                     StreamObserver<StreamContainerStatsResponse> response) {
        UnimplementedRpcs.listStream(response, "StreamContainerStats", "ListContainerStats");
    }

    @Override
    public void streamPodSandboxStats(StreamPodSandboxStatsRequest request,
                                      StreamObserver<StreamPodSandboxStatsResponse> response) {
        UnimplementedRpcs.listStream(response, "StreamPodSandboxStats", "ListPodSandboxStats");
    }

    @Override
    public void streamPodSandboxMetrics(StreamPodSandboxMetricsRequest request,
                                        StreamObserver<StreamPodSandboxMetricsResponse> response) {
        UnimplementedRpcs.listStream(response, "StreamPodSandboxMetrics", "ListPodSandboxMetrics");
    }
}
