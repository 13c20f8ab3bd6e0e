package io.jcri.image.store;

import io.jcri.image.reference.Digest;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Content that a running pull uses but no image record references yet. Garbage collection spares leased
 * digests, so removal never has to wait for pulls. A pull leases a digest before it looks for or writes the
 * content, and releases it only after the image record that references it is stored.
 */
public final class ContentLeases {
    private final Map<Digest, Integer> counts = new HashMap<>();

    public Lease open() {
        return new Lease();
    }

    /** Runs {@code gc} with the set of leased digests, holding leases off until it returns. */
    public synchronized <T> T withLeased(Function<Set<Digest>, T> gc) {
        return gc.apply(Set.copyOf(counts.keySet()));
    }

    private synchronized void add(Digest d) {
        counts.merge(d, 1, Integer::sum);
    }

    private synchronized void remove(Digest d) {
        counts.computeIfPresent(d, (k, n) -> n == 1 ? null : n - 1);
    }

    /** The digests one pull holds. */
    public final class Lease implements AutoCloseable {
        private final Set<Digest> held = new HashSet<>();

        public void add(Digest d) {
            synchronized (held) {
                if (held.add(d)) {
                    ContentLeases.this.add(d);
                }
            }
        }

        @Override
        public void close() {
            synchronized (held) {
                held.forEach(ContentLeases.this::remove);
                held.clear();
            }
        }
    }
}
