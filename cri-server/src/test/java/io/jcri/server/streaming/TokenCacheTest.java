package io.jcri.server.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jcri.server.grpc.CriException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenCacheTest {
    private final AtomicLong now = new AtomicLong();
    private final TokenCache cache = new TokenCache(Duration.ofSeconds(60), now::get);

    @Test
    void aTokenWorksOnce() {
        String t = cache.insert("request");
        assertThat(cache.consume(t)).contains("request");
        assertThat(cache.consume(t)).isEmpty();
    }

    @Test
    void aTokenExpires() {
        String t = cache.insert("request");
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        assertThat(cache.consume(t)).isEmpty();
    }

    @Test
    void tokensAreUnguessableAndUrlSafe() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            String t = cache.insert(i);
            assertThat(t).matches("[A-Za-z0-9_-]{43}");
            assertThat(seen.add(t)).isTrue();
        }
        assertThat(cache.consume("not-a-token")).isEmpty();
    }

    @Test
    void tooManyPendingRequestsAreRefusedUntilSomeExpire() {
        for (int i = 0; i < TokenCache.MAX_IN_FLIGHT; i++) {
            cache.insert(i);
        }
        assertThatThrownBy(() -> cache.insert("one more")).isInstanceOf(CriException.class)
                .hasMessageContaining("too many");
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        assertThat(cache.insert("after expiry")).isNotEmpty();
    }
}
