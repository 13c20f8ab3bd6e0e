package io.jcri.server.metrics;

import io.jcri.image.pull.PullProgress;
import io.prometheus.client.Collector;
import io.prometheus.client.GaugeMetricFamily;
import java.util.List;

/** Pulls in flight and their progress, summed over pulls (image names are not labels: unbounded). */
public final class PullProgressCollector extends Collector {
    @Override
    public List<MetricFamilySamples> collect() {
        List<PullProgress> pulls = PullProgress.inFlight();
        long done = 0;
        long total = 0;
        for (PullProgress p : pulls) {
            done += p.bytesDone();
            total += p.bytesTotal();
        }
        return List.of(
                new GaugeMetricFamily("jcri_image_pulls_in_flight", "Image pulls whose layers are being fetched",
                        pulls.size()),
                new GaugeMetricFamily("jcri_image_pull_in_flight_bytes_done",
                        "Layer bytes received so far by the pulls in flight", done),
                new GaugeMetricFamily("jcri_image_pull_in_flight_bytes_total",
                        "Layer bytes the pulls in flight fetch in all", total));
    }
}
