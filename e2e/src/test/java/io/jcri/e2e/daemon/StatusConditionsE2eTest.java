package io.jcri.e2e.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.jcri.cri.v1.RuntimeCondition;
import io.jcri.cri.v1.StatusRequest;
import io.jcri.e2e.harness.Deadline;
import io.jcri.e2e.harness.JcriDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Status answers from memory (kept by a watcher of the CNI dirs, as containerd's conf syncer does), and still tells
 * the truth promptly: removing the pod network's config makes the plain Status (the one kubelet sends, answered
 * on the event loop) say NetworkReady false, restoring it says true again, each within a deadline shorter than the
 * daemon's periodic re-check (10 s), so only the dir's change events can bring the new answer.
 */
class StatusConditionsE2eTest {
    private static final Duration PROMPTLY = Deadline.scaled(Duration.ofSeconds(5));

    @TempDir
    static Path base;
    static Path netd;
    static String conflist;
    static JcriDaemon daemon;

    @BeforeAll
    static void start() throws Exception {
        netd = Files.createDirectories(base.resolve("net.d"));
        // Debian's plugins; nothing is run: Status only checks the config and that its plugins are installed
        conflist = """
                {"cniVersion": "1.0.0", "name": "status-watch", "plugins": [
                  {"type": "bridge", "bridge": "jcristw0", "ipam": {"type": "host-local", "subnet": "10.251.7.0/24"}}
                ]}
                """;
        Files.writeString(netd.resolve("10-status-watch.conflist"), conflist);
        Path config = base.resolve("jcri.toml");
        Files.writeString(config, "[cni]\nconf_dir = \"" + netd + "\"\nbin_dirs = [\"/usr/lib/cni\"]\n");
        daemon = JcriDaemon.start(base.resolve("d"), "--config", config.toString());
    }

    @AfterAll
    static void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private static RuntimeCondition network() {
        return daemon.endpoint().runtime().status(StatusRequest.getDefaultInstance()).getStatus().getConditionsList()
                .stream().filter(c -> c.getType().equals("NetworkReady")).findFirst().orElseThrow();
    }

    private static RuntimeCondition await(boolean ready, String what) {
        AtomicReference<RuntimeCondition> last = new AtomicReference<>();
        Deadline.await(PROMPTLY, what, () -> {
            last.set(network());
            return last.get().getStatus() == ready;
        });
        return last.get();
    }

    @Test
    void networkReadyFollowsTheCniConfigBeingRemovedAndRestored() throws Exception {
        assertThat(network().getStatus()).as("NetworkReady with the config in place").isTrue();
        Path file = netd.resolve("10-status-watch.conflist");
        try {
            Files.delete(file);
            RuntimeCondition gone = await(false, "NetworkReady false after the CNI config was removed");
            assertThat(gone.getReason()).isEqualTo("NetworkPluginNotReady");
            assertThat(gone.getMessage()).contains("no network config found in " + netd);
        } finally {
            Files.writeString(file, conflist);
        }
        RuntimeCondition back = await(true, "NetworkReady true after the CNI config was restored");
        assertThat(back.getReason()).isEmpty();
        assertThat(network().getStatus()).isTrue();
    }

    @Test
    void theVerboseStatusSaysTheSameAsThePlainOne() {
        RuntimeCondition plain = network();
        var verbose = daemon.endpoint().runtime().status(StatusRequest.newBuilder().setVerbose(true).build());
        assertThat(verbose.getStatus().getConditionsList()).contains(plain);
        assertThat(verbose.getInfoOrThrow("lastCNILoadStatus")).isEqualTo(plain.getStatus() ? "OK"
                : plain.getMessage());
    }
}
