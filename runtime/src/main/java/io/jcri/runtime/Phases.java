package io.jcri.runtime;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where the time of one operation (a container start, a sandbox run) went: named phases in the order they ran,
 * each the time since the previous mark. Callers log it and feed it to metrics; {@link #NONE} records nothing.
 * Not thread-safe: one operation, one thread (phases measured on another thread are {@link #add added} after it).
 */
public class Phases {
    /** Records nothing, for callers that do not look. */
    public static final Phases NONE = new Phases() {
        @Override
        public void mark(String phase) {
        }

        @Override
        public void add(String phase, long nanos) {
        }
    };

    private final Map<String, Long> nanos = new LinkedHashMap<>();
    private long last = System.nanoTime();

    /** Ends the phase {@code phase} now: it took the time since the previous mark (or since creation). */
    public void mark(String phase) {
        long now = System.nanoTime();
        add(phase, now - last);
        last = now;
    }

    /** A phase measured elsewhere (a launch thread's own steps); the next {@link #mark} starts from now. */
    public void add(String phase, long nanos) {
        this.nanos.merge(phase, Math.max(0, nanos), Long::sum);
        last = System.nanoTime();
    }

    /** The phases in order, in nanoseconds. */
    public Map<String, Long> nanos() {
        return Map.copyOf(nanos);
    }

    /** Phase names in order with their durations, e.g. {@code checks=0.04ms launch.rootfs=1.20ms}. */
    public Map<String, Long> ordered() {
        return new LinkedHashMap<>(nanos);
    }

    /** One log line's worth: {@code name=1.234ms ...} in order, and the total. */
    public String summary() {
        StringBuilder b = new StringBuilder();
        long total = 0;
        for (Map.Entry<String, Long> e : nanos.entrySet()) {
            b.append(e.getKey()).append('=').append(String.format(Locale.ROOT, "%.3fms", e.getValue() / 1e6))
                    .append(' ');
            total += e.getValue();
        }
        return b.append(String.format(Locale.ROOT, "total=%.3fms", total / 1e6)).toString();
    }
}
