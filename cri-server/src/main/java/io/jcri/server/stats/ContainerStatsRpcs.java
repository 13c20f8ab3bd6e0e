package io.jcri.server.stats;

import io.jcri.cri.v1.ContainerStatsFilter;
import io.jcri.cri.v1.ContainerStatsRequest;
import io.jcri.cri.v1.ContainerStatsResponse;
import io.jcri.cri.v1.ListContainerStatsRequest;
import io.jcri.cri.v1.ListContainerStatsResponse;
import io.jcri.server.grpc.CriException;
import io.jcri.server.sandbox.LabelSelector;
import io.jcri.server.store.Container;
import io.jcri.server.store.ContainerStore;
import java.util.Comparator;
import java.util.logging.Logger;

/** {@code ContainerStats} and {@code ListContainerStats} (id and pod sandbox id prefixes, label selector). */
public final class ContainerStatsRpcs {
    private static final Logger LOG = Logger.getLogger(ContainerStatsRpcs.class.getName());

    private final ContainerStore containers;
    private final StatsCollector collector;

    public ContainerStatsRpcs(ContainerStore containers, StatsCollector collector) {
        this.containers = containers;
        this.collector = collector;
    }

    public ContainerStatsResponse stats(ContainerStatsRequest request) {
        Container c = containers.get(request.getContainerId());
        return ContainerStatsResponse.newBuilder().setStats(collector.sample(c).orElseThrow(() ->
                CriException.notFound("ContainerStats: container " + c.id() + " is being removed")).stats()).build();
    }

    public ListContainerStatsResponse list(ListContainerStatsRequest request) {
        ContainerStatsFilter f = request.getFilter();
        ListContainerStatsResponse.Builder out = ListContainerStatsResponse.newBuilder();
        containers.all().stream()
                .sorted(Comparator.comparingLong(Container::createdAtNanos))
                .filter(c -> f.getId().isEmpty() || c.id().startsWith(f.getId()))
                .filter(c -> f.getPodSandboxId().isEmpty() || c.sandboxId().startsWith(f.getPodSandboxId()))
                .filter(c -> LabelSelector.matches(f.getLabelSelectorMap(), c.config().getLabelsMap()))
                .forEach(c -> {
                    try {
                        collector.sample(c).ifPresent(s -> out.addStats(s.stats()));
                    } catch (RuntimeException e) {
                        LOG.fine("ListContainerStats: skipping " + c.id() + ": " + e);
                    }
                });
        collector.forgetRemoved();
        return out.build();
    }
}
