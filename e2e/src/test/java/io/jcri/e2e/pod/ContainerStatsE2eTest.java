package io.jcri.e2e.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.jcri.cri.v1.ContainerState;
import io.jcri.cri.v1.ContainerStats;
import io.jcri.cri.v1.ContainerStatsFilter;
import io.jcri.cri.v1.ContainerStatsRequest;
import io.jcri.cri.v1.ContainerStatus;
import io.jcri.cri.v1.LinuxContainerConfig;
import io.jcri.cri.v1.LinuxContainerResources;
import io.jcri.cri.v1.ListContainerStatsRequest;
import io.jcri.cri.v1.ListMetricDescriptorsRequest;
import io.jcri.cri.v1.ListPodSandboxMetricsRequest;
import io.jcri.cri.v1.ListPodSandboxStatsRequest;
import io.jcri.cri.v1.Metric;
import io.jcri.cri.v1.MetricDescriptor;
import io.jcri.cri.v1.PodSandboxConfig;
import io.jcri.cri.v1.PodSandboxMetrics;
import io.jcri.cri.v1.PodSandboxStats;
import io.jcri.cri.v1.PodSandboxStatsFilter;
import io.jcri.cri.v1.PodSandboxStatsRequest;
import io.jcri.cri.v1.UpdateContainerResourcesRequest;
import io.jcri.cri.v1.UpdatePodSandboxResourcesRequest;
import io.jcri.e2e.harness.Deadline;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Stats, metrics and resource RPCs read the containers' real cgroups: numbers move with real work. */
class ContainerStatsE2eTest extends PodE2eBase {
    static final long MIB = 1024 * 1024;


    static ContainerStats stats(String id) {
        return c.rt().containerStats(ContainerStatsRequest.newBuilder().setContainerId(id).build()).getStats();
    }

    static LinuxContainerConfig.Builder memoryLimit(long bytes) {
        return LinuxContainerConfig.newBuilder().setResources(LinuxContainerResources.newBuilder()
                .setMemoryLimitInBytes(bytes).setMemorySwapLimitInBytes(bytes));
    }

    @Test
    void statsMoveWhenContainersBurnCpuWriteFilesAndAllocateMemory() {
        PodSandboxConfig podConfig = fx.pod("stats").build();
        String podId = c.runPod(podConfig);
        try {
            String burn = c.run(podId, podConfig, fx.container("burn", "sh", "-c", "while :; do :; done"));
            // dd reads 32 MiB of zeros into one buffer (touching every page), then blocks writing to a pipe that
            // sleep never reads: 32 MiB of anonymous memory held; the 4 MiB file lands in the writable layer
            String mem = c.run(podId, podConfig, fx.container("mem", "sh", "-c",
                    "busybox dd if=/dev/zero of=/blob bs=1M count=4 && busybox dd if=/dev/zero bs=32M count=1 | sleep 3600")
                    .setLinux(memoryLimit(256 * MIB)));

            ContainerStats first = stats(burn);
            Deadline.await(Duration.ofSeconds(30), "the busy loop to show up as CPU usage", () -> {
                ContainerStats now = stats(burn);
                return now.getCpu().getUsageCoreNanoSeconds().getValue()
                        > first.getCpu().getUsageCoreNanoSeconds().getValue()
                        && now.getCpu().getUsageNanoCores().getValue() > 10_000_000; // > 1% of a CPU
            });
            ContainerStats b = stats(burn);
            assertThat(b.getAttributes().getId()).isEqualTo(burn);
            assertThat(b.getAttributes().getMetadata().getName()).isEqualTo("burn");
            assertThat(b.getAttributes().getLabelsMap()).containsEntry("io.kubernetes.container.name", "burn");
            assertThat(b.getCpu().getTimestamp()).isPositive();
            assertThat(b.getMemory().hasAvailableBytes()).as("no limit, no available_bytes").isFalse();

            // the working set (which also counts the 4 MiB file's page cache) can pass 32 MiB before dd has touched
            // its whole buffer: wait for the anonymous memory itself
            Deadline.await(Duration.ofSeconds(30), "32 MiB of anonymous memory in the mem container",
                    () -> stats(mem).getMemory().getRssBytes().getValue() >= 32 * MIB);
            ContainerStats m = stats(mem);
            assertThat(m.getMemory().getUsageBytes().getValue())
                    .isGreaterThanOrEqualTo(m.getMemory().getWorkingSetBytes().getValue());
            assertThat(m.getMemory().getWorkingSetBytes().getValue()).isGreaterThanOrEqualTo(32 * MIB);
            assertThat(m.getMemory().getPageFaults().getValue()).isPositive();
            assertThat(m.getMemory().getAvailableBytes().getValue())
                    .isEqualTo(256 * MIB - m.getMemory().getWorkingSetBytes().getValue());
            assertThat(m.getWritableLayer().getUsedBytes().getValue()).isGreaterThanOrEqualTo(4 * MIB);
            assertThat(m.getWritableLayer().getInodesUsed().getValue()).isGreaterThanOrEqualTo(1);
            assertThat(m.getWritableLayer().getFsId().getMountpoint()).startsWith("/");
            assertThat(stats(burn).getWritableLayer().getUsedBytes().getValue())
                    .isLessThan(m.getWritableLayer().getUsedBytes().getValue());

            // a new limit is applied, recorded (ContainerStatus.resources) and reflected in available_bytes
            c.rt().updateContainerResources(UpdateContainerResourcesRequest.newBuilder().setContainerId(mem)
                    .setLinux(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(512 * MIB)
                            .setMemorySwapLimitInBytes(512 * MIB)).build());
            assertThat(c.status(mem).getResources().getLinux().getMemoryLimitInBytes()).isEqualTo(512 * MIB);
            ContainerStats m2 = stats(mem);
            assertThat(m2.getMemory().getAvailableBytes().getValue())
                    .isEqualTo(512 * MIB - m2.getMemory().getWorkingSetBytes().getValue());

            List<ContainerStats> inPod = c.rt().listContainerStats(ListContainerStatsRequest.newBuilder()
                    .setFilter(ContainerStatsFilter.newBuilder().setPodSandboxId(podId)).build()).getStatsList();
            assertThat(inPod).extracting(s -> s.getAttributes().getId()).containsExactly(burn, mem);
            assertThat(c.rt().listContainerStats(ListContainerStatsRequest.newBuilder().setFilter(
                    ContainerStatsFilter.newBuilder().setId(mem.substring(0, 12))).build()).getStatsList())
                    .extracting(s -> s.getAttributes().getId()).containsExactly(mem);
            assertThat(c.rt().listContainerStats(ListContainerStatsRequest.newBuilder().setFilter(
                    ContainerStatsFilter.newBuilder().putLabelSelector("io.kubernetes.container.name", "burn"))
                    .build()).getStatsList()).extracting(s -> s.getAttributes().getId()).containsExactly(burn);

            PodSandboxStats pod = c.rt().podSandboxStats(PodSandboxStatsRequest.newBuilder().setPodSandboxId(podId)
                    .build()).getStats();
            assertThat(pod.getAttributes().getId()).isEqualTo(podId);
            assertThat(pod.getAttributes().getLabelsMap()).isEqualTo(podConfig.getLabelsMap());
            assertThat(pod.getLinux().getContainersList()).hasSize(2);
            long ctrCpu = pod.getLinux().getContainersList().stream()
                    .mapToLong(s -> s.getCpu().getUsageCoreNanoSeconds().getValue()).sum();
            assertThat(pod.getLinux().getCpu().getUsageCoreNanoSeconds().getValue()).isEqualTo(ctrCpu);
            assertThat(pod.getLinux().getMemory().getWorkingSetBytes().getValue()).isGreaterThanOrEqualTo(32 * MIB);
            assertThat(pod.getLinux().getMemory().hasAvailableBytes()).as("burn has no limit").isFalse();
            // sh (burn), sh + dd + sleep (mem)
            assertThat(pod.getLinux().getProcess().getProcessCount().getValue()).isGreaterThanOrEqualTo(4);
            assertThat(pod.getLinux().getNetwork().getDefaultInterface().getName()).isEqualTo("eth0");
            assertThat(pod.getLinux().getNetwork().getDefaultInterface().hasRxBytes()).isTrue();

            assertThat(c.rt().listPodSandboxStats(ListPodSandboxStatsRequest.newBuilder().setFilter(
                    PodSandboxStatsFilter.newBuilder().putLabelSelector("io.kubernetes.pod.uid",
                            podConfig.getMetadata().getUid())).build()).getStatsList())
                    .extracting(s -> s.getAttributes().getId()).containsExactly(podId);

            List<MetricDescriptor> descriptors = c.rt().listMetricDescriptors(
                    ListMetricDescriptorsRequest.getDefaultInstance()).getDescriptorsList();
            assertThat(descriptors).extracting(MetricDescriptor::getName)
                    .contains("container_memory_working_set_bytes", "container_cpu_usage_nanoseconds_total");
            PodSandboxMetrics metrics = c.rt().listPodSandboxMetrics(ListPodSandboxMetricsRequest
                    .getDefaultInstance()).getPodMetricsList().stream()
                    .filter(p -> p.getPodSandboxId().equals(podId)).findFirst().orElseThrow();
            Metric ws = metrics.getContainerMetricsList().stream().filter(x -> x.getContainerId().equals(mem))
                    .findFirst().orElseThrow().getMetricsList().stream()
                    .filter(x -> x.getName().equals("container_memory_working_set_bytes")).findFirst().orElseThrow();
            assertThat(ws.getValue().getValue()).isGreaterThanOrEqualTo(32 * MIB);
            assertThat(ws.getLabelValuesList()).containsExactly("mem", "stats", "e2e");

            // accepted and recorded: visible in the sandbox's verbose info
            c.rt().updatePodSandboxResources(UpdatePodSandboxResourcesRequest.newBuilder().setPodSandboxId(podId)
                    .setResources(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(768 * MIB)
                            .setCpuQuota(50_000).setCpuPeriod(100_000)).build());
            assertThat(c.podInfo(podId)).contains("\"memoryLimitInBytes\":" + 768 * MIB)
                    .contains("\"cpuQuota\":50000");
        } finally {
            c.cleanup(podId);
        }
    }

    @Test
    void aContainerThatOutgrowsItsMemoryLimitIsOomKilled() {
        PodSandboxConfig podConfig = fx.pod("oom").build();
        String podId = c.runPod(podConfig);
        try {
            String ctr = c.run(podId, podConfig, fx.container("hog", "sh", "-c", "x=a; while :; do x=$x$x; done")
                    .setLinux(memoryLimit(32 * MIB)));
            Deadline.await(Duration.ofSeconds(40), "the hog to be killed",
                    () -> c.status(ctr).getState() == ContainerState.CONTAINER_EXITED);
            ContainerStatus s = c.status(ctr);
            assertThat(s.getReason()).isEqualTo("OOMKilled");
            assertThat(s.getExitCode()).isEqualTo(137);
        } finally {
            c.cleanup(podId);
        }
    }
}
