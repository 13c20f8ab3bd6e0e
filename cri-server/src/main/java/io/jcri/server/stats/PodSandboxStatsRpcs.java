package io.jcri.server.stats;

import io.jcri.cri.v1.ListPodSandboxStatsRequest;
import io.jcri.cri.v1.ListPodSandboxStatsResponse;
import io.jcri.cri.v1.PodSandboxStatsFilter;
import io.jcri.cri.v1.PodSandboxStatsRequest;
import io.jcri.cri.v1.PodSandboxStatsResponse;
import io.jcri.server.sandbox.LabelSelector;
import io.jcri.server.store.Sandbox;
import io.jcri.server.store.SandboxState;
import io.jcri.server.store.SandboxStore;
import java.util.Comparator;
import java.util.logging.Logger;

/**
 * {@code PodSandboxStats} and {@code ListPodSandboxStats} (id prefix, label selector). The list holds the ready
 * pods only, as containerd's does; a stopped pod asked for by id answers with its attributes and no usage.
 */
public final class PodSandboxStatsRpcs {
    private static final Logger LOG = Logger.getLogger(PodSandboxStatsRpcs.class.getName());

    private final SandboxStore sandboxes;
    private final StatsCollector collector;

    public PodSandboxStatsRpcs(SandboxStore sandboxes, StatsCollector collector) {
        this.sandboxes = sandboxes;
        this.collector = collector;
    }

    public PodSandboxStatsResponse stats(PodSandboxStatsRequest request) {
        Sandbox s = sandboxes.get(request.getPodSandboxId());
        return PodSandboxStatsResponse.newBuilder().setStats(collector.pod(s, collector.samplesOf(s))).build();
    }

    public ListPodSandboxStatsResponse list(ListPodSandboxStatsRequest request) {
        PodSandboxStatsFilter f = request.getFilter();
        ListPodSandboxStatsResponse.Builder out = ListPodSandboxStatsResponse.newBuilder();
        sandboxes.all().stream()
                .sorted(Comparator.comparingLong(Sandbox::createdAtNanos))
                .filter(s -> s.state() == SandboxState.READY)
                .filter(s -> f.getId().isEmpty() || s.id().startsWith(f.getId()))
                .filter(s -> LabelSelector.matches(f.getLabelSelectorMap(), s.config().getLabelsMap()))
                .forEach(s -> {
                    try {
                        out.addStats(collector.pod(s, collector.samplesOf(s)));
                    } catch (RuntimeException e) {
                        LOG.fine("ListPodSandboxStats: skipping " + s.id() + ": " + e);
                    }
                });
        collector.forgetRemoved();
        return out.build();
    }
}
