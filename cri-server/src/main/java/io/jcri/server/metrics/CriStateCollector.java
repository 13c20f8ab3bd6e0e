package io.jcri.server.metrics;

import io.jcri.runtime.ContainerRuntime;
import io.jcri.server.store.Container;
import io.jcri.server.store.ContainerStore;
import io.jcri.server.store.Sandbox;
import io.jcri.server.store.SandboxState;
import io.jcri.server.store.SandboxStore;
import io.prometheus.client.Collector;
import io.prometheus.client.GaugeMetricFamily;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Sandboxes and containers by state, counted from the stores at scrape time. */
public final class CriStateCollector extends Collector {
    private final SandboxStore sandboxes;
    private final ContainerStore containers;
    private final ContainerRuntime runtime;

    public CriStateCollector(SandboxStore sandboxes, ContainerStore containers, ContainerRuntime runtime) {
        this.sandboxes = sandboxes;
        this.containers = containers;
        this.runtime = runtime;
    }

    @Override
    public List<MetricFamilySamples> collect() {
        GaugeMetricFamily pods = new GaugeMetricFamily("jcri_pod_sandboxes", "Pod sandboxes by state",
                List.of("state"));
        Map<SandboxState, Integer> byState = new EnumMap<>(SandboxState.class);
        for (SandboxState s : SandboxState.values()) {
            byState.put(s, 0);
        }
        for (Sandbox s : sandboxes.all()) {
            byState.merge(s.state(), 1, Integer::sum);
        }
        byState.forEach((s, n) -> pods.addMetric(List.of(s.name().toLowerCase()), n));

        GaugeMetricFamily ctrs = new GaugeMetricFamily("jcri_containers", "Containers by state", List.of("state"));
        Map<String, Integer> counts = new java.util.LinkedHashMap<>();
        for (String s : List.of("created", "running", "exited", "unknown")) {
            counts.put(s, 0);
        }
        for (Container c : containers.all()) {
            String state;
            try {
                state = runtime.state(c.id()).status().name().toLowerCase();
            } catch (RuntimeException e) {
                state = "unknown";
            }
            counts.merge(state, 1, Integer::sum);
        }
        counts.forEach((s, n) -> ctrs.addMetric(List.of(s), n));
        return List.of(pods, ctrs);
    }
}
