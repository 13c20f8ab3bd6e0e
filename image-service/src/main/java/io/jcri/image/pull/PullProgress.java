package io.jcri.image.pull;

import io.jcri.image.reference.Digest;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Bytes done per layer of one pull, logged at most once per interval. Pulls in flight are listed by
 * {@link #inFlight()}, for metrics.
 */
public final class PullProgress implements AutoCloseable {
    private static final Set<PullProgress> IN_FLIGHT = ConcurrentHashMap.newKeySet();

    private static final Logger LOG = Logger.getLogger(PullProgress.class.getName());

    private final String reference;
    private final long intervalNanos;
    private final Map<Digest, long[]> layers = new ConcurrentHashMap<>();
    private final AtomicLong lastLog = new AtomicLong(System.nanoTime());

    public PullProgress(String reference, Duration interval) {
        this.reference = reference;
        this.intervalNanos = interval.toNanos();
    }

    /** A pull's progress, listed in {@link #inFlight()} until closed. */
    public static PullProgress begin(String reference, Duration interval) {
        PullProgress p = new PullProgress(reference, interval);
        IN_FLIGHT.add(p);
        return p;
    }

    /** The pulls whose layers are being fetched now. */
    public static List<PullProgress> inFlight() {
        return List.copyOf(IN_FLIGHT);
    }

    public String reference() {
        return reference;
    }

    /** Layer bytes received so far. */
    public long bytesDone() {
        long sum = 0;
        for (long[] l : layers.values()) {
            synchronized (l) {
                sum += l[0];
            }
        }
        return sum;
    }

    /** Layer bytes this pull fetches in all (layers already stored are not counted). */
    public long bytesTotal() {
        return layers.values().stream().mapToLong(l -> l[1]).sum();
    }

    @Override
    public void close() {
        IN_FLIGHT.remove(this);
    }

    public void start(Digest layer, long total) {
        layers.put(layer, new long[]{0, total});
    }

    public void advance(Digest layer, long bytes) {
        long[] l = layers.get(layer);
        if (l != null) {
            synchronized (l) {
                l[0] += bytes;
            }
        }
        long now = System.nanoTime();
        long last = lastLog.get();
        if (now - last >= intervalNanos && lastLog.compareAndSet(last, now)) {
            log();
        }
    }

    private void log() {
        StringBuilder sb = new StringBuilder("pulling ").append(reference).append(':');
        layers.forEach((d, l) -> {
            long done;
            synchronized (l) {
                done = l[0];
            }
            sb.append(String.format(" %s %.1f/%.1f MB", d.hex().substring(0, 12), done / 1e6, l[1] / 1e6));
        });
        LOG.info(sb.toString());
    }
}
