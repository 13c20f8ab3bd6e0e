package io.jcri.server.stats;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * usage_nano_cores needs two samples of the cumulative CPU counter: like containerd, keep the latest sample per
 * container in memory and report the rate since it (0 for the first sample, or when the counter went back, e.g.
 * a new cgroup under the same id). Whoever asks (ContainerStats, the lists, pod stats) advances the sample.
 */
final class CpuSampler {
    private record Sample(long timestampNanos, long usageNanos) {
    }

    private final Map<String, Sample> last = new HashMap<>();

    /** The average usage in nano-cores (1e9 = one CPU fully busy) since the previous sample of {@code key}. */
    synchronized long nanoCores(String key, long timestampNanos, long usageNanos) {
        Sample previous = last.get(key);
        if (previous != null && previous.timestampNanos() >= timestampNanos) {
            return 0; // an older or simultaneous sample: keep the newer one
        }
        last.put(key, new Sample(timestampNanos, usageNanos));
        if (previous == null || usageNanos < previous.usageNanos()) {
            return 0;
        }
        double elapsed = timestampNanos - previous.timestampNanos();
        return Math.round((usageNanos - previous.usageNanos()) / elapsed * 1e9);
    }

    /** Drops the samples of containers and pods that no longer exist. */
    synchronized void retainOnly(Set<String> keys) {
        last.keySet().retainAll(keys);
    }
}
