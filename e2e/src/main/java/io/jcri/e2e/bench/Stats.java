package io.jcri.e2e.bench;

import java.util.Arrays;
import java.util.List;

/** Order statistics of a sample of measurements. */
public record Stats(int count, double median, double p90, double p99, double min, double max) {
    public static Stats of(List<Double> sample) {
        if (sample.isEmpty()) {
            throw new IllegalArgumentException("no measurements");
        }
        double[] v = sample.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        return new Stats(v.length, percentile(v, 50), percentile(v, 90), percentile(v, 99), v[0], v[v.length - 1]);
    }

    /** Nearest-rank percentile; the median of an even sample is the mean of the middle two. */
    static double percentile(double[] sorted, double p) {
        if (p == 50 && sorted.length % 2 == 0) {
            return (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
