package io.jcri.image.registry;

import java.time.Duration;

/**
 * Timeouts and retry policy of the registry client.
 *
 * @param connectTimeout  TCP + TLS connect
 * @param responseTimeout until response headers arrive
 * @param stallTimeout    longest wait for the next bytes of a body before the transfer is cancelled
 * @param maxAttempts     attempts per request on transient errors (connection errors, 408, 429, 5xx)
 * @param initialBackoff  wait before the second attempt; doubles each time
 */
public record RegistryClientSettings(Duration connectTimeout, Duration responseTimeout, Duration stallTimeout,
                                     int maxAttempts, Duration initialBackoff) {
    public static final RegistryClientSettings DEFAULT = new RegistryClientSettings(
            Duration.ofSeconds(15), Duration.ofSeconds(60), Duration.ofSeconds(60), 4, Duration.ofMillis(250));

    public RegistryClientSettings withStallTimeout(Duration d) {
        return new RegistryClientSettings(connectTimeout, responseTimeout, d, maxAttempts, initialBackoff);
    }
}
