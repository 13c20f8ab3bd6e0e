package io.jcri.server.metrics;

import io.prometheus.client.Counter;
import io.prometheus.client.Histogram;

/** Image pulls: how many, how long, how many bytes, and failures by reason (the gRPC code sent back). */
public final class ImagePullMetrics {
    public static final Counter PULLS = Counter.build("jcri_image_pulls_total",
            "Image pulls by outcome: success, or the gRPC code of the failure").labelNames("outcome").register();
    public static final Histogram DURATION = Histogram.build("jcri_image_pull_duration_seconds",
            "Wall time of successful image pulls").buckets(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)
            .register();
    public static final Counter BYTES = Counter.build("jcri_image_pulled_bytes_total",
            "Size of the images pulled successfully (config and layer blobs)").register();

    private ImagePullMetrics() {
    }
}
