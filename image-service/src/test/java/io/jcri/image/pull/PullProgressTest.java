package io.jcri.image.pull;

import static org.assertj.core.api.Assertions.assertThat;

import io.jcri.image.reference.Digest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PullProgressTest {
    @Test
    void aPullIsInFlightWithItsBytesUntilClosed() {
        Digest a = Digest.parse("sha256:" + "a".repeat(64));
        Digest b = Digest.parse("sha256:" + "b".repeat(64));
        PullProgress p = PullProgress.begin("example/image:1", Duration.ofHours(1));
        try {
            p.start(a, 100);
            p.start(b, 50);
            p.advance(a, 30);
            p.advance(b, 50);
            assertThat(PullProgress.inFlight()).contains(p);
            assertThat(p.bytesDone()).isEqualTo(80);
            assertThat(p.bytesTotal()).isEqualTo(150);
        } finally {
            p.close();
        }
        assertThat(PullProgress.inFlight()).doesNotContain(p);
    }
}
