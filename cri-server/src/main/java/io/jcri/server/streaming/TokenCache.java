package io.jcri.server.streaming;

import io.grpc.Status;
import io.jcri.server.grpc.CriException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The pending streaming requests, each under a single-use, unguessable token (256 random bits) that expires
 * after a short time. Consuming a token removes it: a URL works once.
 */
final class TokenCache {
    static final int MAX_IN_FLIGHT = 1000;

    private record Entry(Object request, long expiresAtNanos) {
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final long ttlNanos;
    private final LongSupplier clock;

    TokenCache(Duration ttl) {
        this(ttl, System::nanoTime);
    }

    TokenCache(Duration ttl, LongSupplier clock) {
        this.ttlNanos = ttl.toNanos();
        this.clock = clock;
    }

    synchronized String insert(Object request) {
        evictExpired();
        if (entries.size() >= MAX_IN_FLIGHT) {
            throw new CriException(Status.Code.RESOURCE_EXHAUSTED, "too many pending streaming requests ("
                    + MAX_IN_FLIGHT + "); try again when some were used or expired");
        }
        byte[] b = new byte[32];
        random.nextBytes(b);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        entries.put(token, new Entry(request, clock.getAsLong() + ttlNanos));
        return token;
    }

    /** The request behind the token, removing it; empty if unknown, used or expired. */
    synchronized Optional<Object> consume(String token) {
        Entry e = entries.remove(token);
        if (e == null || clock.getAsLong() - e.expiresAtNanos > 0) {
            return Optional.empty();
        }
        return Optional.of(e.request);
    }

    private void evictExpired() {
        long now = clock.getAsLong();
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
            if (now - it.next().expiresAtNanos > 0) {
                it.remove();
            }
        }
    }
}
