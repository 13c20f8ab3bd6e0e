package io.jcri.runtime.cgroup.systemd;

import io.jcri.runtime.cgroup.Resources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The systemd driver where no systemd answers, and the unit properties limits become (no systemd needed). */
class SystemdUnavailableTest {
    @TempDir
    Path tmp;

    @Test
    void aMissingBusSocketIsARefusalThatNamesItAndTheWayOut() {
        Path socket = tmp.resolve("no-such-bus");
        assertThatThrownBy(() -> Systemd.connect("unix:path=" + socket))
                .isInstanceOf(SystemdUnavailableException.class)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cgroup driver is \"systemd\"")
                .hasMessageContaining(socket.toString())
                .hasMessageContaining("driver = \"cgroupfs\"");
    }

    @Test
    void aSocketWhereNoBusSpeaksIsTheSameRefusalWithinTheConnectTimeout() throws Exception {
        Path socket = tmp.resolve("mute-bus");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            java.util.concurrent.CompletableFuture<java.nio.channels.SocketChannel> held =
                    new java.util.concurrent.CompletableFuture<>();
            Thread acceptor = new Thread(() -> {
                try {
                    held.complete(server.accept()); // and never says a word
                } catch (Exception e) {
                    held.completeExceptionally(e);
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> Systemd.connect("unix:path=" + socket))
                    .isInstanceOf(SystemdUnavailableException.class)
                    .hasMessageContaining("systemd does not answer")
                    .hasMessageContaining(socket.toString())
                    .hasMessageContaining("no answer within");
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - t0))
                    .isLessThan(Systemd.CONNECT_TIMEOUT.plusSeconds(10));
            held.getNow(null).close();
        }
    }

    @Test
    void limitsBecomeTheUnitPropertiesRuncsSystemdDriverSets() {
        List<UnitProperty> p = ResourceProperties.of(Resources.builder().memoryLimit(64L << 20)
                .memorySwapLimit(64L << 20).cpuShares(512).cpuQuota(25_000, 100_000).pidsLimit(64)
                .cpuset("0-2,5", null).build(), 252);
        assertThat(p).extracting(u -> u.name + "=" + (u.value.getValue() instanceof byte[] b
                ? java.util.HexFormat.of().formatHex(b) : u.value.getValue())).containsExactly(
                "MemoryMax=67108864", "MemorySwapMax=0", "CPUWeight=20", "CPUQuotaPeriodUSec=100000",
                "CPUQuotaPerSecUSec=250000", "TasksMax=64", "AllowedCPUs=27"); // CPUs 0, 1, 2 and 5
        // a quota that is no whole percent rounds up to systemd's 10 ms steps; no quota is infinity
        assertThat(ResourceProperties.of(Resources.builder().cpuQuota(33_333, 100_000).build(), 241))
                .extracting(u -> u.name + "=" + u.value.getValue()).containsExactly("CPUQuotaPerSecUSec=340000");
        assertThat(ResourceProperties.of(Resources.builder().cpuQuota(-1, 100_000).memoryLimit(-1)
                .pidsLimit(0).build(), 252)).extracting(u -> u.name + "=" + u.value.getValue())
                .containsExactly("MemoryMax=18446744073709551615", "CPUQuotaPeriodUSec=100000",
                        "CPUQuotaPerSecUSec=18446744073709551615", "TasksMax=18446744073709551615");
    }

    @Test
    void systemdVersionsAsTheManagerReportsThem() {
        assertThat(Systemd.parseVersion("252.33-1~deb12u1")).isEqualTo(252);
        assertThat(Systemd.parseVersion("\"v245.4-1.fc32\"")).isEqualTo(245);
        assertThat(Systemd.parseVersion("unknown")).isEqualTo(-1);
    }
}
