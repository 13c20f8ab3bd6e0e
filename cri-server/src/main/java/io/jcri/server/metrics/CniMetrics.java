package io.jcri.server.metrics;

import io.prometheus.client.Counter;
import io.prometheus.client.Histogram;

/** CNI plugin chains: latency of ADD/DEL/CHECK and their failures. */
public final class CniMetrics {
    public static final Histogram DURATION = Histogram.build("jcri_cni_operation_duration_seconds",
            "Time to run a pod network's CNI plugin chain, by operation").labelNames("operation")
            .buckets(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10).register();
    public static final Counter FAILURES = Counter.build("jcri_cni_operation_failures_total",
            "CNI plugin chain runs that failed, by operation").labelNames("operation").register();

    private CniMetrics() {
    }
}
