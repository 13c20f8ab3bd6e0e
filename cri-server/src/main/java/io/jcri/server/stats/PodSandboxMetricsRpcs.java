package io.jcri.server.stats;

import io.jcri.cri.v1.ContainerMetrics;
import io.jcri.cri.v1.ListMetricDescriptorsRequest;
import io.jcri.cri.v1.ListMetricDescriptorsResponse;
import io.jcri.cri.v1.ListPodSandboxMetricsRequest;
import io.jcri.cri.v1.ListPodSandboxMetricsResponse;
import io.jcri.cri.v1.Metric;
import io.jcri.cri.v1.MetricDescriptor;
import io.jcri.cri.v1.MetricType;
import io.jcri.cri.v1.PodSandboxMetrics;
import io.jcri.runtime.ContainerStatus;
import io.jcri.runtime.cgroup.CgroupStats;
import io.jcri.server.store.Sandbox;
import io.jcri.server.store.SandboxState;
import io.jcri.server.store.SandboxStore;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * {@code ListMetricDescriptors} and {@code ListPodSandboxMetrics}: a small set of per-container metrics taken
 * from the same cgroup counters as the stats RPCs, with cAdvisor's names where the unit fits CRI's integer
 * values (CPU is given in nanoseconds, since a whole-seconds counter would be useless). Labels: container, pod,
 * namespace. Only running containers of ready pods are reported.
 */
public final class PodSandboxMetricsRpcs {
    static final List<String> LABEL_KEYS = List.of("container", "pod", "namespace");

    private record Def(String name, String help, MetricType type, ToLongFunction<CgroupStats> value) {
    }

    private static final List<Def> METRICS = List.of(
            new Def("container_cpu_usage_nanoseconds_total", "Cumulative CPU time consumed, in nanoseconds",
                    MetricType.COUNTER, CgroupStats::cpuUsageNanos),
            new Def("container_cpu_user_nanoseconds_total", "Cumulative user CPU time, in nanoseconds",
                    MetricType.COUNTER, CgroupStats::cpuUserNanos),
            new Def("container_cpu_system_nanoseconds_total", "Cumulative system CPU time, in nanoseconds",
                    MetricType.COUNTER, CgroupStats::cpuSystemNanos),
            new Def("container_memory_usage_bytes", "Current memory usage, including page cache, in bytes",
                    MetricType.GAUGE, CgroupStats::memoryUsageBytes),
            new Def("container_memory_working_set_bytes", "Memory usage minus inactive file pages, in bytes",
                    MetricType.GAUGE, CgroupStats::memoryWorkingSetBytes),
            new Def("container_memory_rss", "Anonymous memory (RSS), in bytes",
                    MetricType.GAUGE, CgroupStats::memoryRssBytes),
            new Def("container_memory_page_faults_total", "Cumulative page faults",
                    MetricType.COUNTER, CgroupStats::pageFaults),
            new Def("container_memory_major_page_faults_total", "Cumulative major page faults",
                    MetricType.COUNTER, CgroupStats::majorPageFaults),
            new Def("container_oom_events_total", "Times the container's memory limit was hit and the OOM killer ran",
                    MetricType.COUNTER, CgroupStats::oomEvents),
            new Def("container_processes", "Processes (and threads) in the container's cgroup",
                    MetricType.GAUGE, CgroupStats::pidsCurrent));

    private final SandboxStore sandboxes;
    private final StatsCollector collector;

    public PodSandboxMetricsRpcs(SandboxStore sandboxes, StatsCollector collector) {
        this.sandboxes = sandboxes;
        this.collector = collector;
    }

    public ListMetricDescriptorsResponse descriptors(ListMetricDescriptorsRequest request) {
        ListMetricDescriptorsResponse.Builder out = ListMetricDescriptorsResponse.newBuilder();
        for (Def d : METRICS) {
            out.addDescriptors(MetricDescriptor.newBuilder().setName(d.name()).setHelp(d.help())
                    .addAllLabelKeys(LABEL_KEYS));
        }
        return out.build();
    }

    public ListPodSandboxMetricsResponse metrics(ListPodSandboxMetricsRequest request) {
        ListPodSandboxMetricsResponse.Builder out = ListPodSandboxMetricsResponse.newBuilder();
        sandboxes.all().stream()
                .filter(s -> s.state() == SandboxState.READY)
                .sorted(Comparator.comparingLong(Sandbox::createdAtNanos))
                .forEach(s -> out.addPodMetrics(pod(s)));
        return out.build();
    }

    private PodSandboxMetrics pod(Sandbox s) {
        PodSandboxMetrics.Builder pod = PodSandboxMetrics.newBuilder().setPodSandboxId(s.id());
        for (StatsCollector.Sample x : collector.samplesOf(s)) {
            if (x.state().status() != ContainerStatus.RUNNING) {
                continue;
            }
            List<String> labels = List.of(x.container().config().getMetadata().getName(),
                    s.config().getMetadata().getName(), s.config().getMetadata().getNamespace());
            ContainerMetrics.Builder cm = ContainerMetrics.newBuilder().setContainerId(x.container().id());
            for (Def d : METRICS) {
                cm.addMetrics(Metric.newBuilder().setName(d.name()).setTimestamp(x.timestampNanos())
                        .setMetricType(d.type()).addAllLabelValues(labels)
                        .setValue(StatsCollector.u64(d.value().applyAsLong(x.cgroup()))));
            }
            pod.addContainerMetrics(cm);
        }
        return pod.build();
    }
}
