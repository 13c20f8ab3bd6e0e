package io.jcri.server.stats;

import io.jcri.cri.v1.ContainerAttributes;
import io.jcri.cri.v1.ContainerStats;
import io.jcri.cri.v1.CpuUsage;
import io.jcri.cri.v1.LinuxPodSandboxStats;
import io.jcri.cri.v1.MemoryUsage;
import io.jcri.cri.v1.PodSandboxAttributes;
import io.jcri.cri.v1.PodSandboxStats;
import io.jcri.cri.v1.ProcessUsage;
import io.jcri.cri.v1.UInt64Value;
import io.jcri.runtime.ContainerRuntime;
import io.jcri.runtime.ContainerState;
import io.jcri.runtime.ContainerStatus;
import io.jcri.runtime.cgroup.CgroupStats;
import io.jcri.server.store.Container;
import io.jcri.server.store.ContainerStore;
import io.jcri.server.store.Sandbox;
import io.jcri.server.store.SandboxState;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Container and pod statistics from the containers' cgroups, in CRI terms: what ContainerStats,
 * ListContainerStats, PodSandboxStats, ListPodSandboxStats and ListPodSandboxMetrics report. A pod's numbers
 * are the sum over its running containers (jcri has no pod-level cgroup of its own: the containers sit directly
 * under kubelet's pod cgroup), plus the network counters of the pod's namespace.
 */
public final class StatsCollector {
    private static final Logger LOG = Logger.getLogger(StatsCollector.class.getName());

    private final ContainerStore containers;
    private final ContainerRuntime runtime;
    private final CpuSampler cpu = new CpuSampler();

    public StatsCollector(ContainerStore containers, ContainerRuntime runtime) {
        this.containers = containers;
        this.runtime = runtime;
    }

    /** One container's numbers and the raw counters they came from. */
    record Sample(Container container, ContainerState state, CgroupStats cgroup, long timestampNanos,
                  long nanoCores, ContainerStats stats) {
    }

    /** The container's stats; empty when the runtime no longer knows it (being removed). */
    Optional<Sample> sample(Container c) {
        ContainerState state;
        io.jcri.runtime.ContainerStats raw;
        try {
            state = runtime.state(c.id());
            raw = runtime.stats(c.id());
        } catch (NoSuchElementException e) {
            return Optional.empty();
        }
        long ts = nanos(raw.timestamp());
        CgroupStats cg = raw.cgroup();
        long nanoCores = cpu.nanoCores(c.id(), ts, cg.cpuUsageNanos());
        ContainerStats.Builder b = ContainerStats.newBuilder()
                .setAttributes(ContainerAttributes.newBuilder()
                        .setId(c.id())
                        .setMetadata(c.config().getMetadata())
                        .putAllLabels(c.config().getLabelsMap())
                        .putAllAnnotations(c.config().getAnnotationsMap()))
                .setCpu(cpuUsage(ts, cg.cpuUsageNanos(), nanoCores))
                .setMemory(memoryUsage(ts, cg.memoryWorkingSetBytes(), cg.memoryUsageBytes(), cg.memoryRssBytes(),
                        cg.pageFaults(), cg.majorPageFaults(), memoryLimit(c)));
        try {
            var layer = WritableLayer.usage(runtime.writableLayer(c.id()), ts);
            if (layer != null) {
                b.setWritableLayer(layer);
            }
        } catch (IOException | NoSuchElementException e) {
            LOG.fine("writable layer of " + c.id() + " not measured: " + e);
        }
        return Optional.of(new Sample(c, state, cg, ts, nanoCores, b.build()));
    }

    /** A pod's stats: attributes always; usage summed over its running containers while it is ready. */
    PodSandboxStats pod(Sandbox s, List<Sample> samples) {
        PodSandboxStats.Builder out = PodSandboxStats.newBuilder().setAttributes(PodSandboxAttributes.newBuilder()
                .setId(s.id())
                .setMetadata(s.config().getMetadata())
                .putAllLabels(s.config().getLabelsMap())
                .putAllAnnotations(s.config().getAnnotationsMap()));
        if (s.state() != SandboxState.READY) {
            return out.build();
        }
        long ts = nanos(Instant.now());
        long cpuNanos = 0;
        long nanoCores = 0;
        long workingSet = 0;
        long usage = 0;
        long rss = 0;
        long faults = 0;
        long majorFaults = 0;
        long processes = 0;
        long available = 0;
        boolean allLimited = !samples.isEmpty();
        Long netPid = null;
        LinuxPodSandboxStats.Builder linux = LinuxPodSandboxStats.newBuilder();
        for (Sample x : samples) {
            if (x.state().status() != ContainerStatus.RUNNING) {
                continue;
            }
            CgroupStats cg = x.cgroup();
            cpuNanos += cg.cpuUsageNanos();
            nanoCores += x.nanoCores();
            workingSet += cg.memoryWorkingSetBytes();
            usage += cg.memoryUsageBytes();
            rss += cg.memoryRssBytes();
            faults += cg.pageFaults();
            majorFaults += cg.majorPageFaults();
            processes += cg.pidsCurrent();
            long limit = memoryLimit(x.container());
            if (limit > 0) {
                available += Math.max(0, limit - cg.memoryWorkingSetBytes());
            } else {
                allLimited = false;
            }
            if (netPid == null && x.state().pid() > 0) {
                netPid = x.state().pid();
            }
            linux.addContainers(x.stats());
        }
        linux.setCpu(cpuUsage(ts, cpuNanos, nanoCores))
                .setMemory(allLimited
                        ? memoryUsage(ts, workingSet, usage, rss, faults, majorFaults, -1).toBuilder()
                                .setAvailableBytes(u64(available)).build()
                        : memoryUsage(ts, workingSet, usage, rss, faults, majorFaults, -1))
                .setProcess(ProcessUsage.newBuilder().setTimestamp(ts).setProcessCount(u64(processes)));
        if (netPid != null && !s.hostNetwork()) {
            try {
                linux.setNetwork(NetworkStats.read(netPid, ts));
            } catch (IOException e) {
                LOG.fine("network stats of pod " + s.id() + ": " + e);
            }
        }
        return out.setLinux(linux).build();
    }

    /** The samples of the pod's containers (those the runtime knows). */
    List<Sample> samplesOf(Sandbox s) {
        List<Sample> out = new ArrayList<>();
        for (Container c : containers.inSandbox(s.id())) {
            try {
                sample(c).ifPresent(out::add);
            } catch (RuntimeException e) {
                LOG.fine("no stats for container " + c.id() + ": " + e);
            }
        }
        return out;
    }

    /** Forgets the CPU samples of containers that were removed. */
    void forgetRemoved() {
        Set<String> ids = new HashSet<>();
        for (Container c : containers.all()) {
            ids.add(c.id());
        }
        cpu.retainOnly(ids);
    }

    private static long memoryLimit(Container c) {
        return c.config().getLinux().getResources().getMemoryLimitInBytes();
    }

    private static CpuUsage cpuUsage(long ts, long usageNanos, long nanoCores) {
        return CpuUsage.newBuilder().setTimestamp(ts)
                .setUsageCoreNanoSeconds(u64(usageNanos))
                .setUsageNanoCores(u64(nanoCores))
                .build();
    }

    /** available_bytes only when the container has a memory limit: limit minus working set, never negative. */
    private static MemoryUsage memoryUsage(long ts, long workingSet, long usage, long rss, long faults,
                                           long majorFaults, long limit) {
        MemoryUsage.Builder m = MemoryUsage.newBuilder().setTimestamp(ts)
                .setWorkingSetBytes(u64(workingSet))
                .setUsageBytes(u64(usage))
                .setRssBytes(u64(rss))
                .setPageFaults(u64(faults))
                .setMajorPageFaults(u64(majorFaults));
        if (limit > 0) {
            m.setAvailableBytes(u64(Math.max(0, limit - workingSet)));
        }
        return m.build();
    }

    static UInt64Value u64(long v) {
        return UInt64Value.newBuilder().setValue(v).build();
    }

    static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
