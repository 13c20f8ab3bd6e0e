package io.jcri.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.jcri.cri.v1.RuntimeCondition;
import io.jcri.server.network.PodNetwork;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watcher behind Status: NetworkReady follows the CNI conf dir and bin dir as soon as they change, with a
 * period far longer than the test, so only the dirs' change events can bring the new answer.
 */
class RuntimeConditionsTest {
    private static final Duration NEVER = Duration.ofHours(1);
    private static final String CONFLIST = """
            {"cniVersion": "1.0.0", "name": "watched", "plugins": [{"type": "fakenet"}]}
            """;

    @TempDir
    Path base;
    Path confDir;
    Path binDir;
    RuntimeConditions conditions;

    @BeforeEach
    void setUp() throws Exception {
        confDir = Files.createDirectories(base.resolve("etc/cni/net.d"));
        binDir = Files.createDirectories(base.resolve("bin"));
        plugin("loopback");
        plugin("fakenet");
        Files.writeString(confDir.resolve("10-watched.conflist"), CONFLIST);
        PodNetwork network = new PodNetwork(confDir, List.of(binDir), base.resolve("cache"), Duration.ofSeconds(5));
        conditions = new RuntimeConditions(List.of(new NetworkReadyProbe(network)), List.of(confDir, binDir), NEVER);
    }

    @AfterEach
    void tearDown() {
        conditions.close();
    }

    private void plugin(String name) throws Exception {
        Path p = binDir.resolve(name);
        Files.writeString(p, "#!/bin/sh\nexit 1\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private RuntimeCondition network() {
        return conditions.current().get(0);
    }

    /** Polls the in-memory condition (what Status answers) until it matches, within a deadline. */
    private RuntimeCondition await(Predicate<RuntimeCondition> wanted, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        RuntimeCondition c = network();
        while (!wanted.test(c)) {
            assertThat(System.nanoTime()).as("NetworkReady " + what + " within 10 s; last: " + c).isLessThan(deadline);
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000); // between polls, not a wait for the answer
            c = network();
        }
        return c;
    }

    @Test
    void readyFromTheStart() {
        assertThat(network().getType()).isEqualTo("NetworkReady");
        assertThat(network().getStatus()).isTrue();
    }

    @Test
    void followsTheConfigFileBeingRemovedAndRestored() throws Exception {
        Files.delete(confDir.resolve("10-watched.conflist"));
        RuntimeCondition gone = await(c -> !c.getStatus(), "false after the config was removed");
        assertThat(gone.getReason()).isEqualTo("NetworkPluginNotReady");
        assertThat(gone.getMessage()).contains("no network config found in " + confDir);

        Files.writeString(confDir.resolve("10-watched.conflist"), CONFLIST);
        await(RuntimeCondition::getStatus, "true after the config was restored");
    }

    @Test
    void followsTheConfDirBeingRemovedAndCreatedAgain() throws Exception {
        Files.delete(confDir.resolve("10-watched.conflist"));
        Files.delete(confDir);
        RuntimeCondition gone = await(c -> !c.getStatus() && c.getMessage().contains("does not exist"),
                "false after the conf dir was removed");
        assertThat(gone.getMessage()).contains("CNI config directory " + confDir + " does not exist");

        // watched through its parent while it is missing: its creation, then the file written into it, are seen
        Files.createDirectories(confDir);
        Files.writeString(confDir.resolve("10-watched.conflist"), CONFLIST);
        await(RuntimeCondition::getStatus, "true after the conf dir and its config came back");
    }

    @Test
    void followsAPluginBeingRemovedAndInstalled() throws Exception {
        Files.delete(binDir.resolve("fakenet"));
        RuntimeCondition missing = await(c -> !c.getStatus(), "false once a plugin of the network is missing");
        assertThat(missing.getMessage()).contains("[fakenet]");
        plugin("fakenet");
        await(RuntimeCondition::getStatus, "true once the plugin is installed again");
    }

    @Test
    void aChangeOfNothingKeepsTheSameAnswerObject() {
        List<RuntimeCondition> before = conditions.current();
        assertThat(conditions.refresh()).isSameAs(before);
    }
}
