package io.jcri.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.jcri.e2e.harness.JcriDaemon;
import io.jcri.server.network.CniConfigLoader;
import io.jcri.server.network.CniNetworkConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/install.sh and uninstall.sh into a staging prefix, and the files they install. */
class InstallScriptTest {
    static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path prefix;

    record Result(int exit, String output) {
    }

    static Result run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(REPO.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(List.of(cmd) + " timed out");
        }
        return new Result(p.exitValue(), out);
    }

    Result install() throws Exception {
        return run("bash", "deploy/install.sh", "--prefix", prefix.toString(), "--jar", JcriDaemon.jar().toString(),
                "--no-packages");
    }

    /** Every file and directory below the prefix with its mode and content digest. */
    TreeMap<String, String> snapshot() throws Exception {
        TreeMap<String, String> tree = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(prefix)) {
            for (Path p : walk.toList()) {
                String mode = Files.getPosixFilePermissions(p).toString();
                String digest = Files.isRegularFile(p) ? HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))) : "dir";
                tree.put(prefix.relativize(p).toString(), mode + " " + digest);
            }
        }
        return tree;
    }

    @Test
    void installingTwiceGivesTheSameTree() throws Exception {
        Result first = install();
        assertThat(first.exit()).as(first.output()).isZero();
        TreeMap<String, String> once = snapshot();
        Result second = install();
        assertThat(second.exit()).as(second.output()).isZero();
        assertThat(snapshot()).isEqualTo(once);
        assertThat(once).containsKeys("usr/local/lib/jcri/jcri.jar", "usr/local/bin/jcri",
                "etc/systemd/system/jcri.service", "etc/jcri/jcri.toml", "etc/crictl.yaml",
                "etc/cni/net.d/10-jcri.conflist", "usr/local/share/doc/jcri/configuration.md");
    }

    @Test
    void theInstalledLauncherRunsTheInstalledJar() throws Exception {
        assertThat(install().exit()).isZero();
        Result version = run(prefix.resolve("usr/local/bin/jcri").toString(), "--version");
        assertThat(version.exit()).as(version.output()).isZero();
        assertThat(version.output()).startsWith("jcri ");
    }

    @Test
    void anOperatorsConfigSurvivesAReinstallAndTheUninstallUnlessPurged() throws Exception {
        assertThat(install().exit()).isZero();
        Path config = prefix.resolve("etc/jcri/jcri.toml");
        Files.writeString(config, "log_level = \"debug\"\n");
        assertThat(install().exit()).isZero();
        assertThat(Files.readString(config)).isEqualTo("log_level = \"debug\"\n");

        Result uninstall = run("bash", "deploy/uninstall.sh", "--prefix", prefix.toString());
        assertThat(uninstall.exit()).as(uninstall.output()).isZero();
        assertThat(prefix.resolve("usr/local/bin/jcri")).doesNotExist();
        assertThat(prefix.resolve("usr/local/lib/jcri")).doesNotExist();
        assertThat(config).exists();

        Result purge = run("bash", "deploy/uninstall.sh", "--prefix", prefix.toString(), "--purge");
        assertThat(purge.exit()).as(purge.output()).isZero();
        assertThat(config).doesNotExist();
    }

    @Test
    void theSystemdUnitPassesSystemdAnalyzeVerify() throws Exception {
        assertThat(install().exit()).isZero();
        Path unit = prefix.resolve("etc/systemd/system/jcri.service");
        // verify resolves ExecStart on the real root: point it at the installed launcher
        Path checked = prefix.resolve("jcri.service");
        Files.writeString(checked, Files.readString(unit).replace("/usr/local/bin/jcri",
                prefix.resolve("usr/local/bin/jcri").toString()));
        Result verify = run("systemd-analyze", "verify", checked.toString());
        assertThat(verify.exit()).as(verify.output()).isZero();
        assertThat(verify.output()).as(verify.output()).doesNotContainIgnoringCase("error")
                .doesNotContainIgnoringCase("unknown");
        assertThat(Files.readString(unit)).contains("KillMode=process");
    }

    @Test
    void theKindRecipePointsKubeadmAndKubeletAtJcri() throws Exception {
        var yaml = new com.fasterxml.jackson.databind.ObjectMapper(
                new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
        var cluster = yaml.readTree(REPO.resolve("deploy/kind/kind-config.yaml").toFile());
        assertThat(cluster.path("kind").asText()).isEqualTo("Cluster");
        List<String> kinds = new java.util.ArrayList<>();
        for (var patch : cluster.path("kubeadmConfigPatches")) {
            var doc = yaml.readTree(patch.asText());
            kinds.add(doc.path("kind").asText());
            if (doc.has("nodeRegistration")) {
                assertThat(doc.at("/nodeRegistration/criSocket").asText()).isEqualTo("unix:///run/jcri/jcri.sock");
            } else {
                assertThat(doc.path("containerRuntimeEndpoint").asText()).isEqualTo("unix:///run/jcri/jcri.sock");
                assertThat(doc.path("cgroupDriver").asText()).isEqualTo("systemd");
            }
        }
        assertThat(kinds).containsExactlyInAnyOrder("InitConfiguration", "JoinConfiguration",
                "KubeletConfiguration");
        var kindToml = io.jcri.server.config.ConfigLoader.parse(REPO.resolve("deploy/kind/jcri-kind.toml"));
        assertThat(kindToml.cgroup().driver()).isEqualTo(io.jcri.server.config.CgroupDriverName.SYSTEMD);
        assertThat(Files.readString(REPO.resolve("deploy/kind/Dockerfile"))).contains("FROM ${KIND_NODE}")
                .contains("systemctl enable jcri.service").contains("mask containerd.service");
    }

    @Test
    void theShippedConfigFilesParse() throws Exception {
        CniNetworkConfig cni = CniConfigLoader.parse(REPO.resolve("deploy/cni/10-jcri.conflist"));
        assertThat(cni.pluginTypes()).containsExactly("bridge", "portmap", "firewall");
        List<String> crictl = Files.readAllLines(REPO.resolve("deploy/crictl.yaml"));
        assertThat(crictl).contains("runtime-endpoint: unix:///run/jcri/jcri.sock",
                "image-endpoint: unix:///run/jcri/jcri.sock");
        assertThat(crictl).allMatch(l -> l.isBlank() || l.startsWith("#") || l.matches("[a-z-]+: .+"));
    }
}
