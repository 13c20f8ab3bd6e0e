package io.jcri.image.pull;

import io.jcri.image.reference.Digest;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/** Bytes done per layer of one pull, logged at most once per interval. */
public final class PullProgress {
    private static final Logger LOG = Logger.getLogger(PullProgress.class.getName());

    private final String reference;
    private final long intervalNanos;
    private final Map<Digest, long[]> layers = new ConcurrentHashMap<>();
    private final AtomicLong lastLog = new AtomicLong(System.nanoTime());

    public PullProgress(String reference, Duration interval) {
        this.reference = reference;
        this.intervalNanos = interval.toNanos();
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
