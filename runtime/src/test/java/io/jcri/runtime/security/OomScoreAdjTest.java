package io.jcri.runtime.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class OomScoreAdjTest {
    @Test
    void withoutCapSysResourceNothingGoesBelowOurOwn() {
        OomScoreAdj clamp = new OomScoreAdj(-500, false);
        assertThat(clamp.clamp(-998)).isEqualTo(-500);
        assertThat(clamp.clamp(-500)).isEqualTo(-500);
        assertThat(clamp.clamp(100)).isEqualTo(100);
        assertThat(clamp.clamp(5000)).isEqualTo(1000);
        assertThat(clamp.lowest()).isEqualTo(-500);
    }

    @Test
    void withCapSysResourceTheWholeRange() {
        OomScoreAdj clamp = new OomScoreAdj(0, true);
        assertThat(clamp.clamp(-998)).isEqualTo(-998);
        assertThat(clamp.clamp(-5000)).isEqualTo(-1000);
        assertThat(clamp.clamp(1000)).isEqualTo(1000);
    }

    @Test
    void onThisMachine() throws Exception {
        int own = Integer.parseInt(Files.readString(Path.of("/proc/self/oom_score_adj")).strip());
        String capEff = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("CapEff:")).findFirst().orElseThrow();
        boolean sysResource = (Long.parseUnsignedLong(capEff.substring(7).strip(), 16) & (1L << 24)) != 0;
        int clamped = OomScoreAdj.clampForThisProcess(-997);
        if (sysResource) {
            assertThat(clamped).isEqualTo(-997);
        } else {
            // this machine: no CAP_SYS_RESOURCE, so a Guaranteed pod's -997 becomes our own value
            assertThat(clamped).isEqualTo(Math.max(-997, own));
        }
        assertThat(OomScoreAdj.clampForThisProcess(1000)).isEqualTo(1000);
    }
}
