package io.jcri.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.jcri.cri.v1.VersionRequest;
import io.jcri.e2e.harness.CriEndpoint;
import io.jcri.e2e.harness.Deadline;
import io.jcri.e2e.harness.JcriDaemon;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/bin/jcri} with its class-data archive: the first daemon of a new jar writes the archive when it
 * exits, and that exit must not flood the journal with the JVM's per-class CDS warnings.
 */
class LauncherCdsTest {
    static final Path LAUNCHER = InstallScriptTest.REPO.resolve("deploy/bin/jcri");

    @TempDir
    Path base;

    @Test
    void theFirstExitWritesTheArchiveWithoutCdsWarnings() throws Exception {
        Path jar = Files.copy(JcriDaemon.jar(), base.resolve("jcri.jar"));
        Path netd = Files.createDirectories(base.resolve("net.d"));
        Path config = base.resolve("jcri.toml");
        Files.writeString(config, "[cni]\nconf_dir = \"" + netd + "\"\n[metrics]\nenabled = false\n");
        Path socket = base.resolve("jcri.sock");
        Path output = base.resolve("launcher.out");
        ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "--config", config.toString(),
                "--socket", socket.toString(), "--root", base.resolve("root").toString(),
                "--state", base.resolve("state").toString())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().put("JCRI_JAR", jar.toString());
        pb.environment().put("JCRI_SUBREAPER", "off");
        pb.environment().remove("JCRI_CDS");
        Process p = pb.start();
        try {
            Deadline.await(Duration.ofSeconds(60), "the launched daemon to serve on " + socket, () -> {
                if (!p.isAlive()) {
                    throw new AssertionError("the daemon exited with " + p.exitValue() + ":\n" + read(output));
                }
                return Files.exists(socket);
            });
            try (CriEndpoint cri = CriEndpoint.connect(socket)) {
                assertThat(cri.runtime().version(VersionRequest.getDefaultInstance()).getRuntimeName())
                        .isEqualTo("jcri");
            }
            p.destroy(); // SIGTERM: the daemon exits 0 and the JVM writes the archive
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the daemon exits on SIGTERM").isTrue();
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        assertThat(p.exitValue()).as(read(output)).isZero();
        assertThat(base.resolve("jcri.jsa")).as("the class-data archive beside the jar").isNotEmptyFile();
        assertThat(read(output)).doesNotContain("[cds]");
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "(no output)";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
