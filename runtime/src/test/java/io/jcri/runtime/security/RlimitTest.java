package io.jcri.runtime.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RlimitTest {
    @Test
    void mapsOciTypesToKernelNumbers() {
        assertThat(Rlimit.of("RLIMIT_NOFILE", 1024, 4096)).isEqualTo(new Rlimit("RLIMIT_NOFILE", 7, 1024, 4096));
        assertThat(Rlimit.of("nproc", 10, 10).resource()).isEqualTo(6);
        assertThat(Rlimit.resourceNumber("RLIMIT_CPU")).isZero();
        assertThat(Rlimit.resourceNumber("rlimit_rttime")).isEqualTo(15);
        assertThat(Rlimit.resourceNumber("MEMLOCK")).isEqualTo(8);
        assertThat(Rlimit.resourceNumber("CORE")).isEqualTo(4);
    }

    @Test
    void parsesUlimitSyntax() {
        assertThat(Rlimit.parse("nofile=1024:65536")).isEqualTo(new Rlimit("RLIMIT_NOFILE", 7, 1024, 65536));
        assertThat(Rlimit.parse("RLIMIT_CORE=unlimited")).isEqualTo(new Rlimit("RLIMIT_CORE", 4, -1, -1));
        assertThat(Rlimit.parse("stack=8388608:-1")).isEqualTo(new Rlimit("RLIMIT_STACK", 3, 8388608, -1));
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> Rlimit.of("RLIMIT_FUN", 1, 1)).hasMessageContaining("RLIMIT_FUN");
        assertThatThrownBy(() -> Rlimit.of("nofile", 10, 5)).hasMessageContaining("exceeds hard");
        assertThatThrownBy(() -> Rlimit.of("nofile", -1, 5)).hasMessageContaining("unlimited");
        assertThatThrownBy(() -> Rlimit.parse("nofile")).hasMessageContaining("TYPE=SOFT");
        assertThatThrownBy(() -> Rlimit.parse("nofile=lots")).hasMessageContaining("lots");
    }
}
