package io.jcri.e2e.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcri.cri.v1.ContainerState;
import io.jcri.cri.v1.ContainerStatus;
import io.jcri.cri.v1.ContainerStatusRequest;
import io.jcri.cri.v1.CreateContainerRequest;
import io.jcri.cri.v1.ImageSpec;
import io.jcri.cri.v1.LinuxPodSandboxConfig;
import io.jcri.cri.v1.LinuxSandboxSecurityContext;
import io.jcri.cri.v1.Mount;
import io.jcri.cri.v1.NamespaceMode;
import io.jcri.cri.v1.NamespaceOption;
import io.jcri.cri.v1.PodSandboxConfig;
import io.jcri.cri.v1.PodSandboxMetadata;
import io.jcri.cri.v1.PullImageRequest;
import io.jcri.cri.v1.RemovePodSandboxRequest;
import io.jcri.cri.v1.RunPodSandboxRequest;
import io.jcri.cri.v1.StartContainerRequest;
import io.jcri.cri.v1.StopPodSandboxRequest;
import io.jcri.e2e.harness.CriEndpoint;
import io.jcri.e2e.harness.KubeletRequests;
import io.jcri.image.testkit.ManifestFormat;
import io.jcri.image.testkit.TestImageBuilder;
import io.jcri.image.testkit.TestLayers;
import io.jcri.image.testkit.TestRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deployment as operators run it, on a node whose init is systemd (the VM tier's guest:
 * {@code e2e/vm/run-in-vm.sh 6.1 e2e/vm/junit.sh e2e SystemdServiceVmTest}): {@code deploy/install.sh} installs
 * jcri, {@code systemctl start jcri} serves, and containers running across {@code systemctl stop} + {@code start},
 * {@code systemctl restart} and {@code systemctl reload} report their real exit code, whether they end while jcri
 * is down or after the next daemon found them; the journal has jcri's lines. Each container ends with its own
 * code when the test creates its file in a host directory mounted into it, so the test decides when it ends.
 */
class SystemdServiceVmTest {
    private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();
    private static final Path JAR = REPO.resolve("cri-server/target/jcri.jar");
    private static final Path SOCKET = Path.of("/run/jcri/jcri.sock");
    /** A JVM under software emulation: a daemon start can take minutes. */
    private static final Duration SLOW = Duration.ofMinutes(6);
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void requireSystemdNode() {
        // a systemd node only: the host suite leaves this class out (pom.xml), the VM tier runs it; run
        // anywhere else it fails saying why rather than skipping
        assertTrue(Files.isDirectory(Path.of("/run/systemd/system")) && !Files.exists(Path.of("/etc/jcri")),
                "needs a node whose init is systemd and that has no jcri installed: the VM tier's guest runs it");
    }

    @Test
    void containersKeepTheirExitCodesAcrossStopStartRestartAndReload() throws Exception {
        Path base = Files.createTempDirectory("jcri-service-test");
        Path signals = Files.createDirectories(base.resolve("signals"));
        try (TestRegistry registry = TestRegistry.start()) {
            TestImageBuilder.image().layer(TestLayers.busybox()).cmd("sh")
                    .push(registry, "vm/busybox", "1.0", ManifestFormat.OCI);
            String image = registry.host() + "/vm/busybox:1.0";
            Files.createDirectories(Path.of("/etc/jcri"));
            Files.writeString(Path.of("/etc/jcri/jcri.toml"), """
                    [registries."%s"]
                    plain_http = true
                    """.formatted(registry.host()));
            // the class-data archive the launcher writes at a new jar's first exit takes longer than the unit's
            // 30 s stop timeout under software emulation; a node writes it in seconds. C1 only, as every other JVM
            // in the guest (ci-guest.sh): with C2 the service's JVM died twice of a SIGSEGV in compiled code on 6.1
            // under qemu 7.2's TCG (CI and a rerun; never on the host, nor in the C1-only daemons of the other tests)
            Path dropIn = Files.createDirectories(Path.of("/etc/systemd/system/jcri.service.d"));
            Files.writeString(dropIn.resolve("vm-test.conf"), "[Service]\nEnvironment=JCRI_CDS=off\n"
                    + "Environment=JCRI_JAVA_EXTRA_OPTS=" + System.getenv().getOrDefault("JCRI_JAVA_EXTRA_OPTS", "") + "\n");

            Result install = sh(REPO.resolve("deploy/install.sh").toString(), "--no-packages", "--jar",
                    JAR.toString());
            assertThat(install.code).as("install.sh: " + install.out).isZero();
            assertThat(Path.of("/etc/systemd/system/jcri.service")).exists();
            assertThat(sh("systemctl", "start", "jcri").code).isZero();
            awaitServing();
            long front = mainPid();
            assertThat(comm(front)).isEqualTo("jcri-subreaper");

            String pod;
            Map<String, Long> pids = new LinkedHashMap<>();
            Map<String, String> ids = new LinkedHashMap<>();
            try (CriEndpoint cri = CriEndpoint.connect(SOCKET)) {
                cri.images().pullImage(PullImageRequest.newBuilder()
                        .setImage(ImageSpec.newBuilder().setImage(image)).build());
                PodSandboxConfig podConfig = podConfig(base);
                pod = cri.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(podConfig).build())
                        .getPodSandboxId();
                // each ends with its own code once its file exists
                for (var c : Map.of("stopped", 7, "adopted", 9, "restarted", 11, "reloaded", 13).entrySet()) {
                    String name = c.getKey();
                    String id = cri.runtime().createContainer(CreateContainerRequest.newBuilder()
                            .setPodSandboxId(pod).setSandboxConfig(podConfig)
                            .setConfig(KubeletRequests.container(image, name, "sh", "-c",
                                            "while [ ! -e /signals/" + name + " ]; do sleep 0.1; done; exit "
                                                    + c.getValue())
                                    .addMounts(Mount.newBuilder().setHostPath(signals.toString())
                                            .setContainerPath("/signals")))
                            .build()).getContainerId();
                    cri.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
                    ids.put(name, id);
                    pids.put(name, pid(cri, id));
                }
            }

            // stop: the unit stops (only its main process is signalled), the containers keep running
            assertThat(sh("systemctl", "stop", "jcri").code).isZero();
            assertThat(sh("systemctl", "is-active", "jcri").out.strip()).isEqualTo("inactive");
            for (long pid : pids.values()) assertThat(Path.of("/proc/" + pid)).as("container pid " + pid).exists();
            // one ends while no jcri runs: its exit is reaped by the keeper the stop left behind
            Files.createFile(signals.resolve("stopped"));
            assertThat(eventually(Duration.ofSeconds(60), () -> !Files.exists(Path.of("/proc/" + pids.get("stopped")))))
                    .isTrue();
            assertThat(keepersOutsideTheUnit()).as("the keeper lingers while containers run").isNotEmpty();

            assertThat(sh("systemctl", "start", "jcri").code).isZero();
            awaitServing();
            try (CriEndpoint cri = CriEndpoint.connect(SOCKET)) {
                assertExited(cri, ids.get("stopped"), 7);
                assertThat(status(cri, ids.get("adopted")).getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
                // one the new daemon found running ends now: the old keeper reaps it
                Files.createFile(signals.resolve("adopted"));
                awaitExited(cri, ids.get("adopted"), 9);
            }

            assertThat(sh("systemctl", "restart", "jcri").code).isZero();
            awaitServing();
            try (CriEndpoint cri = CriEndpoint.connect(SOCKET)) {
                assertThat(status(cri, ids.get("restarted")).getState())
                        .isEqualTo(ContainerState.CONTAINER_RUNNING);
                Files.createFile(signals.resolve("restarted"));
                awaitExited(cri, ids.get("restarted"), 11);
            }

            // reload: the same main process, a new JVM under the same keeper
            long mainBefore = mainPid();
            long jvmBefore = daemonJvm(mainBefore);
            assertThat(sh("systemctl", "reload", "jcri").code).isZero();
            assertThat(eventually(SLOW, () -> daemonJvm(mainBefore) > 0 && daemonJvm(mainBefore) != jvmBefore))
                    .as("a new JVM").isTrue();
            awaitServing();
            assertThat(mainPid()).isEqualTo(mainBefore);
            try (CriEndpoint cri = CriEndpoint.connect(SOCKET)) {
                assertThat(status(cri, ids.get("reloaded")).getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
                Files.createFile(signals.resolve("reloaded"));
                awaitExited(cri, ids.get("reloaded"), 13);
                cri.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
                cri.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
            }

            String journal = sh("journalctl", "-u", "jcri", "--no-pager", "-o", "cat").out;
            assertThat(journal).contains("stop requested", "recovered ", "from the subreaper's exit log");
            System.out.println("----- journalctl -u jcri (warnings and errors, first 40) -----\n"
                    + String.join("\n", journal.lines().filter(l -> l.matches(".*\\b(WARN|WARNING|SEVERE|ERROR)\\b.*"))
                            .limit(40).toList())
                    + "\n----- journalctl -u jcri (last lines) -----\n" + tail(journal, 15));
        } catch (Throwable t) {
            // what the daemon said is the first thing to read when a step fails in the guest
            String journal = sh("journalctl", "-u", "jcri", "--no-pager", "-o", "short-monotonic").out;
            System.out.println("----- journalctl -u jcri (last 80 lines, after a failure) -----\n"
                    + tail(journal, 80) + "\n----- dmesg (last 20 lines) -----\n" + tail(sh("dmesg").out, 20));
            throw t;
        } finally {
            sh("systemctl", "stop", "jcri");
            sh(REPO.resolve("deploy/uninstall.sh").toString());
        }
    }

    private static PodSandboxConfig podConfig(Path base) {
        String uid = UUID.randomUUID().toString();
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName("service").setNamespace("vm").setUid(uid))
                .setLogDirectory(base.resolve("logs").toString())
                .setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(LinuxSandboxSecurityContext
                        .newBuilder().setNamespaceOptions(NamespaceOption.newBuilder()
                                .setNetwork(NamespaceMode.NODE).setPid(NamespaceMode.CONTAINER))))
                .build();
    }

    private static ContainerStatus status(CriEndpoint cri, String id) {
        return cri.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build())
                .getStatus();
    }

    private static long pid(CriEndpoint cri, String id) throws IOException {
        String info = cri.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id)
                .setVerbose(true).build()).getInfoMap().get("info");
        return JSON.readTree(info).path("pid").asLong();
    }

    private static void assertExited(CriEndpoint cri, String id, int code) {
        ContainerStatus s = status(cri, id);
        assertThat(s.getState()).as(id).isEqualTo(ContainerState.CONTAINER_EXITED);
        assertThat(s.getExitCode()).as(id + ": " + s.getReason() + " " + s.getMessage()).isEqualTo(code);
        assertThat(s.getMessage()).doesNotContain("lost");
    }

    private static void awaitExited(CriEndpoint cri, String id, int code) {
        assertThat(eventually(Duration.ofSeconds(60),
                () -> status(cri, id).getState() == ContainerState.CONTAINER_EXITED)).as(id + " exits").isTrue();
        assertExited(cri, id, code);
    }

    private static void awaitServing() {
        assertThat(eventually(SLOW, () -> {
            if (!Files.exists(SOCKET)) return false;
            try (CriEndpoint cri = CriEndpoint.connect(SOCKET)) {
                return cri.answersVersion();
            }
        })).as("jcri serves on " + SOCKET + "; " + sh("systemctl", "status", "--no-pager", "jcri").out).isTrue();
    }

    private static long mainPid() {
        return Long.parseLong(sh("systemctl", "show", "-p", "MainPID", "--value", "jcri").out.strip());
    }

    /** The daemon's JVM: the java child of the keeper, the main process's child. 0: none (yet). */
    private static long daemonJvm(long front) {
        for (long keeper : children(front)) {
            for (long c : children(keeper)) {
                if (comm(c).equals("java")) return c;
            }
        }
        return 0;
    }

    private static List<Long> children(long pid) {
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            return tasks.flatMap(t -> {
                try {
                    String s = Files.readString(t.resolve("children")).strip();
                    return s.isEmpty() ? java.util.stream.Stream.<Long>empty()
                            : java.util.Arrays.stream(s.split(" ")).map(Long::parseLong);
                } catch (IOException e) {
                    return java.util.stream.Stream.<Long>empty();
                }
            }).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** jcri-subreaper processes whose parent is PID 1: keepers whose front (and unit) stopped. */
    private static List<Long> keepersOutsideTheUnit() throws IOException {
        try (var procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("[0-9]+"))
                    .map(p -> Long.parseLong(p.getFileName().toString()))
                    .filter(pid -> comm(pid).equals("jcri-subreaper") && ppid(pid) == 1).toList();
        }
    }

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/comm")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static long ppid(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static boolean eventually(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return true;
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }

    private record Result(int code, String out) {}

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private static Result sh(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(600, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, String.join(" ", command) + " did not finish");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }
}
