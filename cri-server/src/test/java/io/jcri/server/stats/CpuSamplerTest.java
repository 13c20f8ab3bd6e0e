package io.jcri.server.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CpuSamplerTest {
    @Test
    void nanoCoresIsTheRateBetweenTwoSamples() {
        CpuSampler s = new CpuSampler();
        assertThat(s.nanoCores("a", 1_000_000_000L, 5_000_000_000L)).as("first sample").isZero();
        // 1.5 s of CPU in 2 s of wall time: 0.75 cores
        assertThat(s.nanoCores("a", 3_000_000_000L, 6_500_000_000L)).isEqualTo(750_000_000L);
        // an older sample does not move the reference back
        assertThat(s.nanoCores("a", 2_000_000_000L, 6_000_000_000L)).isZero();
        assertThat(s.nanoCores("a", 4_000_000_000L, 8_500_000_000L)).isEqualTo(2_000_000_000L);
        // a counter that went back (a new cgroup): no negative rate
        assertThat(s.nanoCores("a", 5_000_000_000L, 1_000L)).isZero();
        assertThat(s.nanoCores("b", 5_000_000_000L, 1_000L)).as("per key").isZero();
    }

    @Test
    void forgottenKeysStartOver() {
        CpuSampler s = new CpuSampler();
        s.nanoCores("a", 1, 1);
        s.nanoCores("b", 1, 1);
        s.retainOnly(Set.of("b"));
        assertThat(s.nanoCores("a", 1_000_000_001L, 1_000_000_001L)).isZero();
        assertThat(s.nanoCores("b", 1_000_000_001L, 1_000_000_001L)).isEqualTo(1_000_000_000L);
    }

    @Test
    void netDevIsParsedWithEth0AsTheDefaultAndLoLeftOut() {
        var usage = NetworkStats.parse(List.of(
                "Inter-|   Receive                                                |  Transmit",
                " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed",
                "    lo:     100       1    0    0    0     0          0         0      100       1    0    0    0     0       0          0",
                "  eth0:    5000      40    2    0    0     0          0         0     3000      30    1    0    0     0       0          0",
                "  net1:      10       1    0    0    0     0          0         0       20       2    0    0    0     0       0          0"),
                42);
        assertThat(usage.getTimestamp()).isEqualTo(42);
        assertThat(usage.getDefaultInterface().getName()).isEqualTo("eth0");
        assertThat(usage.getDefaultInterface().getRxBytes().getValue()).isEqualTo(5000);
        assertThat(usage.getDefaultInterface().getRxErrors().getValue()).isEqualTo(2);
        assertThat(usage.getDefaultInterface().getTxBytes().getValue()).isEqualTo(3000);
        assertThat(usage.getDefaultInterface().getTxErrors().getValue()).isEqualTo(1);
        assertThat(usage.getInterfacesList()).extracting(i -> i.getName()).containsExactly("net1");
    }
}
