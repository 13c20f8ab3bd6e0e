package io.jcri.e2e.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.jcri.cri.v1.ContainerConfig;
import io.jcri.cri.v1.ContainerState;
import io.jcri.cri.v1.CreateContainerRequest;
import io.jcri.cri.v1.ImageSpec;
import io.jcri.cri.v1.LinuxPodSandboxConfig;
import io.jcri.cri.v1.LinuxSandboxSecurityContext;
import io.jcri.cri.v1.ListContainersRequest;
import io.jcri.cri.v1.ListPodSandboxRequest;
import io.jcri.cri.v1.NamespaceMode;
import io.jcri.cri.v1.NamespaceOption;
import io.jcri.cri.v1.PodSandbox;
import io.jcri.cri.v1.PodSandboxConfig;
import io.jcri.cri.v1.PodSandboxMetadata;
import io.jcri.cri.v1.PodSandboxState;
import io.jcri.cri.v1.PodSandboxStatusRequest;
import io.jcri.cri.v1.PullImageRequest;
import io.jcri.cri.v1.RemoveContainerRequest;
import io.jcri.cri.v1.RemovePodSandboxRequest;
import io.jcri.cri.v1.RunPodSandboxRequest;
import io.jcri.cri.v1.StopPodSandboxRequest;
import io.jcri.e2e.harness.CgroupTrees;
import io.jcri.e2e.harness.CniBridgeNetwork;
import io.jcri.e2e.harness.Deadline;
import io.jcri.e2e.harness.JcriDaemon;
import io.jcri.e2e.harness.KubeletRequests;
import io.jcri.image.testkit.ManifestFormat;
import io.jcri.image.testkit.TestImageBuilder;
import io.jcri.image.testkit.TestLayers;
import io.jcri.image.testkit.TestRegistry;
import io.jcri.runtime.CrashPoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The daemon dies (SIGKILL, from the test-only {@link CrashPoints} hook) at each step of RunPodSandbox and
 * CreateContainer; a daemon started again without the hook must list nothing half-made and, once everything
 * listed is removed, leave nothing behind on the host: no file in its root and state dirs, no IP lease, no mount
 * (pinned namespaces, overlays), no veth on the pod bridge, no cgroup.
 *
 * <p>What may be listed after the restart: jcri writes each CRI record as the last step, so a crash before it
 * leaves nothing listed (start-up undoes the steps already made); a crash after it, before the reply, leaves a
 * complete sandbox (READY, with its IP) or container (CREATED) that no client got an id for, which kubelet finds by
 * its metadata. containerd 1.6 lists more: a sandbox whose metadata was written but whose task is gone is loaded
 * NOTREADY (cri/server/restart.go loadSandbox: "kubelet will stop the sandbox which will properly cleanup
 * everything"); jcri is stricter and undoes it, like containerd's cleanupOrphanedIDDirs does for directories.
 */
class CrashAtEachStepE2eTest {
    @TempDir
    static Path base;
    static TestRegistry registry;
    static CniBridgeNetwork network;
    static String image;
    static String cgroupParent;
    static Path config;
    static Path daemonDir;

    @BeforeAll
    static void setUp() throws Exception {
        String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        registry = TestRegistry.start();
        TestImageBuilder.image().layer(TestLayers.busybox()).cmd("sh")
                .push(registry, "e2e/busybox", "1.0", ManifestFormat.OCI);
        image = registry.host() + "/e2e/busybox:1.0";
        network = CniBridgeNetwork.create(base, "jcri-crash", "jcric" + tag,
                "10.237." + ThreadLocalRandom.current().nextInt(1, 254));
        cgroupParent = "jcri-crash-" + tag;
        config = base.resolve("jcri.toml");
        Files.writeString(config, """
                [registries."%s"]
                plain_http = true

                [cni]
                conf_dir = "%s"

                [runtime]
                cgroup_parent = "%s"
                """.formatted(registry.host(), network.confDir(), cgroupParent));
        daemonDir = base.resolve("d");
        try (JcriDaemon d = JcriDaemon.start(daemonDir, "--config", config.toString())) {
            d.endpoint().images().pullImage(PullImageRequest.newBuilder()
                    .setImage(ImageSpec.newBuilder().setImage(image)).build());
            // one pod and container made and removed: the bridge exists and every directory made once is there
            PodSandboxConfig warmUp = pod("warm-up", NamespaceMode.POD);
            String podId = d.endpoint().runtime().runPodSandbox(RunPodSandboxRequest.newBuilder()
                    .setConfig(warmUp).build()).getPodSandboxId();
            d.endpoint().runtime().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId)
                    .setSandboxConfig(warmUp).setConfig(KubeletRequests.container(image, "c", "sleep", "1")).build());
            removeEverything(d);
        }
    }

    @AfterAll
    static void tearDown() throws Exception {
        // what a failed point leaked (pinned namespaces): unmounted, so that the temp dir can go and the netns too
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String mountPoint = line.split(" ")[4];
            if (mountPoint.startsWith(base.toString() + "/")) {
                new ProcessBuilder("umount", "-l", mountPoint).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (network != null) {
            network.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (cgroupParent != null) {
            CgroupTrees.removeTrees(cgroupParent);
        }
    }

    static List<String> points() {
        return CrashPoints.ALL;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("points")
    void aCrashAtThisStepLeavesNothingHalfMadeAndNothingLeaked(String point) throws Exception {
        boolean sandboxPoint = point.startsWith("sandbox.");
        Set<String> answered = new HashSet<>();
        // what the host held before (a leak of an earlier point is reported there, not again here)
        Snapshot before = snapshot();
        try (JcriDaemon crashing = JcriDaemon.start(daemonDir, Map.of(CrashPoints.ENV, point,
                "JCRI_SUBREAPER", "off"), "--config", config.toString())) {
            // a shared PID namespace: its pod init, cgroup and pinned pid namespace are steps of their own
            PodSandboxConfig podConfig = pod("crash", sandboxPoint ? NamespaceMode.POD : NamespaceMode.CONTAINER);
            RunPodSandboxRequest runPod = RunPodSandboxRequest.newBuilder().setConfig(podConfig).build();
            StatusRuntimeException died;
            if (sandboxPoint) {
                died = catchThrowableOfType(() -> crashing.endpoint().runtime().runPodSandbox(runPod),
                        StatusRuntimeException.class);
            } else {
                String podId = crashing.endpoint().runtime().runPodSandbox(runPod).getPodSandboxId();
                answered.add(podId);
                ContainerConfig.Builder ctr = KubeletRequests.container(image, "c", "sleep", "1000");
                died = catchThrowableOfType(() -> crashing.endpoint().runtime().createContainer(CreateContainerRequest
                        .newBuilder().setPodSandboxId(podId).setSandboxConfig(podConfig).setConfig(ctr).build()),
                        StatusRuntimeException.class);
            }
            assertThat(died).as("the call at crash point " + point + " got no answer").isNotNull();
            assertThat(died.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(crashing.awaitExit(Duration.ofSeconds(30))).as("killed by SIGKILL\n" + crashing.log())
                    .isEqualTo(128 + 9);
        }

        try (JcriDaemon d = JcriDaemon.start(daemonDir, "--config", config.toString())) {
            List<PodSandbox> pods = d.endpoint().runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance())
                    .getItemsList();
            for (PodSandbox p : pods) {
                if (!answered.contains(p.getId())) {
                    assertThat(point).as("sandbox " + p.getId() + " (" + p.getState() + ") is listed after a crash"
                            + " at " + point + ", before its record was complete\n" + d.log())
                            .isEqualTo(CrashPoints.SANDBOX_RECORD);
                }
                if (p.getState() == PodSandboxState.SANDBOX_READY) {
                    assertThat(d.endpoint().runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder()
                            .setPodSandboxId(p.getId()).build()).getStatus().getNetwork().getIp())
                            .as("READY sandbox " + p.getId() + " has its IP").isNotEmpty();
                }
            }
            int expectedPods = point.equals(CrashPoints.SANDBOX_RECORD) || !sandboxPoint ? 1 : 0;
            assertThat(pods).as("listed sandboxes").hasSize(expectedPods);
            if (expectedPods == 1) {
                assertThat(pods.get(0).getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
            }
            var containers = d.endpoint().runtime().listContainers(ListContainersRequest.getDefaultInstance())
                    .getContainersList();
            if (point.equals(CrashPoints.CONTAINER_RECORD)) {
                assertThat(containers).as("the container whose record was written").hasSize(1);
                assertThat(containers.get(0).getState()).isEqualTo(ContainerState.CONTAINER_CREATED);
            } else {
                assertThat(containers).as("containers listed after a crash at " + point + "\n" + d.log()).isEmpty();
            }
            removeEverything(d);
            awaitSettled(d, point, before);
        }
    }

    /** What the host keeps of this daemon: files, mounts, veths, cgroups. */
    private record Snapshot(Set<String> files, Set<String> mounts, Set<String> veths, Set<String> cgroups) {
        String diff(Snapshot before) {
            return "new files " + added(files, before.files) + ", new mounts " + added(mounts, before.mounts)
                    + ", new veths " + added(veths, before.veths) + ", new cgroups " + added(cgroups, before.cgroups);
        }

        private static Set<String> added(Set<String> now, Set<String> then) {
            Set<String> s = new TreeSet<>(now);
            s.removeAll(then);
            return s;
        }
    }

    /** Waits (the trash is emptied in the background) until the host is as it was before. */
    private static void awaitSettled(JcriDaemon d, String point, Snapshot before) {
        try {
            Deadline.await(Duration.ofSeconds(10), "nothing left after a crash at " + point,
                    () -> snapshot().equals(before));
        } catch (AssertionError e) {
            throw new AssertionError("after a crash at " + point + " and removing everything listed: "
                    + snapshot().diff(before) + "\n" + d.log(), e);
        }
    }

    private static void removeEverything(JcriDaemon d) {
        var rt = d.endpoint().runtime();
        for (var c : rt.listContainers(ListContainersRequest.getDefaultInstance()).getContainersList()) {
            rt.removeContainer(RemoveContainerRequest.newBuilder().setContainerId(c.getId()).build());
        }
        for (PodSandbox p : rt.listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()) {
            rt.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(p.getId()).build());
            rt.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(p.getId()).build());
        }
    }

    private static PodSandboxConfig pod(String name, NamespaceMode pid) {
        String uid = "uid-" + name + "-" + ThreadLocalRandom.current().nextInt(1_000_000);
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("e2e").setUid(uid))
                .setHostname(name)
                .setLogDirectory(base.resolve("logs/" + uid).toString())
                .setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(LinuxSandboxSecurityContext
                        .newBuilder().setNamespaceOptions(NamespaceOption.newBuilder().setPid(pid))))
                .build();
    }

    private static Snapshot snapshot() {
        Set<String> files = new TreeSet<>();
        for (Path dir : List.of(daemonDir.resolve("root/cri"), daemonDir.resolve("root/runtime"),
                daemonDir.resolve("state"), base.resolve("ipam"))) {
            if (!Files.exists(dir)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(dir)) {
                s.filter(p -> !p.getFileName().toString().endsWith(".log")).forEach(p -> files.add(p.toString()));
            } catch (IOException | UncheckedIOException e) {
                return snapshot(); // a file went away while walking (the trash): take it again
            }
        }
        Set<String> mounts = new TreeSet<>();
        Set<String> cgroups = new TreeSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                if (line.contains(base.toString())) {
                    mounts.add(line.split(" ")[4]);
                }
            }
            try (DirectoryStream<Path> hierarchies = Files.newDirectoryStream(Path.of("/sys/fs/cgroup"))) {
                for (Path h : hierarchies) {
                    Path top = h.resolve(cgroupParent);
                    if (!Files.isSymbolicLink(h) && Files.isDirectory(top)) {
                        try (Stream<Path> s = Files.walk(top)) {
                            s.filter(Files::isDirectory).filter(p -> !p.equals(top)).forEach(p -> cgroups.add(
                                    p.toString()));
                        }
                    }
                }
            }
            Path v2top = Path.of("/sys/fs/cgroup").resolve(cgroupParent);
            if (Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers")) && Files.isDirectory(v2top)) {
                try (Stream<Path> s = Files.walk(v2top)) {
                    s.filter(Files::isDirectory).filter(p -> !p.equals(v2top)).forEach(p -> cgroups.add(p.toString()));
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return snapshot();
        }
        return new Snapshot(files, mounts, veths(), cgroups);
    }

    private static Set<String> veths() {
        try {
            Process p = new ProcessBuilder("ip", "-o", "link", "show", "master", network.bridge())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(10, TimeUnit.SECONDS);
            Set<String> names = new TreeSet<>();
            out.lines().filter(l -> l.contains("veth")).forEach(l -> names.add(l.split(":")[1].trim()));
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
