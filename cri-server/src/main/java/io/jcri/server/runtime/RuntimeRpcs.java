package io.jcri.server.runtime;

import io.jcri.server.container.ContainerStatusRpc;
import io.jcri.server.container.CreateContainerRpc;
import io.jcri.server.container.ExecSyncRpc;
import io.jcri.server.container.ListContainersRpc;
import io.jcri.server.container.RemoveContainerRpc;
import io.jcri.server.container.ReopenContainerLogRpc;
import io.jcri.server.container.StartContainerRpc;
import io.jcri.server.container.StopContainerRpc;
import io.jcri.server.container.UpdateContainerResourcesRpc;
import io.jcri.server.events.GetContainerEventsRpc;
import io.jcri.server.sandbox.ListPodSandboxRpc;
import io.jcri.server.sandbox.PodSandboxStatusRpc;
import io.jcri.server.sandbox.RemovePodSandboxRpc;
import io.jcri.server.sandbox.RunPodSandboxRpc;
import io.jcri.server.sandbox.StopPodSandboxRpc;
import io.jcri.server.streaming.StreamingRpcs;
import io.jcri.server.sandbox.UpdatePodSandboxResourcesRpc;
import io.jcri.server.stats.ContainerStatsRpcs;
import io.jcri.server.stats.PodSandboxMetricsRpcs;
import io.jcri.server.stats.PodSandboxStatsRpcs;

/** The implementations behind {@link RuntimeServiceImpl}, one object per RPC (or RPC group). */
public record RuntimeRpcs(
        VersionRpc version,
        StatusRpc status,
        RuntimeConfigRpc runtimeConfig,
        RunPodSandboxRpc runPodSandbox,
        StopPodSandboxRpc stopPodSandbox,
        RemovePodSandboxRpc removePodSandbox,
        PodSandboxStatusRpc podSandboxStatus,
        ListPodSandboxRpc listPodSandbox,
        CreateContainerRpc createContainer,
        StartContainerRpc startContainer,
        StopContainerRpc stopContainer,
        RemoveContainerRpc removeContainer,
        ContainerStatusRpc containerStatus,
        ListContainersRpc listContainers,
        UpdateContainerResourcesRpc updateContainerResources,
        ReopenContainerLogRpc reopenContainerLog,
        ExecSyncRpc execSync,
        ContainerStatsRpcs containerStats,
        PodSandboxStatsRpcs podSandboxStats,
        PodSandboxMetricsRpcs podSandboxMetrics,
        UpdatePodSandboxResourcesRpc updatePodSandboxResources,
        GetContainerEventsRpc containerEvents,
        StreamingRpcs streaming) {
}
