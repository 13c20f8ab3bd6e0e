package io.jcri.e2e.vm;

import static org.assertj.core.api.Assertions.assertThat;

import io.jcri.cri.v1.ContainerConfig;
import io.jcri.cri.v1.ContainerState;
import io.jcri.cri.v1.ContainerStatus;
import io.jcri.cri.v1.ContainerStatusRequest;
import io.jcri.cri.v1.CreateContainerRequest;
import io.jcri.cri.v1.ExecRequest;
import io.jcri.cri.v1.ExecSyncRequest;
import io.jcri.cri.v1.ExecSyncResponse;
import io.jcri.cri.v1.ImageSpec;
import io.jcri.cri.v1.ImageStatusRequest;
import io.jcri.cri.v1.LinuxContainerConfig;
import io.jcri.cri.v1.LinuxContainerResources;
import io.jcri.cri.v1.LinuxPodSandboxConfig;
import io.jcri.cri.v1.LinuxSandboxSecurityContext;
import io.jcri.cri.v1.ListContainersRequest;
import io.jcri.cri.v1.ListPodSandboxRequest;
import io.jcri.cri.v1.NamespaceMode;
import io.jcri.cri.v1.NamespaceOption;
import io.jcri.cri.v1.PodSandboxConfig;
import io.jcri.cri.v1.PodSandboxMetadata;
import io.jcri.cri.v1.PodSandboxState;
import io.jcri.cri.v1.PodSandboxStatus;
import io.jcri.cri.v1.PodSandboxStatusRequest;
import io.jcri.cri.v1.PullImageRequest;
import io.jcri.cri.v1.RemoveContainerRequest;
import io.jcri.cri.v1.RemovePodSandboxRequest;
import io.jcri.cri.v1.RunPodSandboxRequest;
import io.jcri.cri.v1.RuntimeServiceGrpc.RuntimeServiceBlockingStub;
import io.jcri.cri.v1.StartContainerRequest;
import io.jcri.cri.v1.StopContainerRequest;
import io.jcri.cri.v1.StopPodSandboxRequest;
import io.jcri.e2e.harness.CgroupTrees;
import io.jcri.e2e.harness.CniBridgeNetwork;
import io.jcri.e2e.harness.Deadline;
import io.jcri.e2e.harness.JcriConfigFile;
import io.jcri.e2e.harness.JcriDaemon;
import io.jcri.e2e.harness.KubeletRequests;
import io.jcri.image.testkit.ManifestFormat;
import io.jcri.image.testkit.TestImageBuilder;
import io.jcri.image.testkit.TestLayers;
import io.jcri.image.testkit.TestRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pod's life on a node, through the daemon's socket as kubelet drives it: the image pulled from a loopback
 * docker-registry, the pod on a CNI bridge network, a container's logs, ExecSync and a streamed exec, stop and
 * removal, a daemon crash survived by a running container; and afterwards no cgroup, mount or process of the pod
 * left on the node. Pods get kubelet's cgroupfs-style parent ({@code /<prefix>/pod<uid>}).
 *
 * <p>Written for the VM tier (e2e/vm/ci-tests.txt: pure cgroup v2 under systemd on Debian's 6.1 and 6.12), where
 * a JVM runs on an emulated CPU: one daemon for the class, few containers. It runs in the host suite too.
 */
class NodeFlowE2eTest {
    /** Generous: under the VM tier's emulation a daemon JVM takes tens of seconds to start. */
    static final Duration SLOW = Deadline.scaled(Duration.ofSeconds(120));
    static final Pattern PID = Pattern.compile("\"pid\"\\s*:\\s*(\\d+)");
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final long CLASS_START = System.nanoTime();

    @TempDir
    static Path base;
    static TestRegistry registry;
    static CniBridgeNetwork network;
    static JcriDaemon daemon;
    static String image;
    /** The top of this run's pod cgroups, as kubelet's /kubepods is (removed at the end in every hierarchy). */
    static String cgroupTop;

    @BeforeAll
    static void startNode() throws IOException {
        String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        cgroupTop = "jcri-e2e-node-" + tag;
        registry = TestRegistry.start();
        TestImageBuilder.image().layer(TestLayers.busybox()).cmd("sh")
                .push(registry, "node/busybox", "1.0", ManifestFormat.OCI);
        phase("registry serving the image");
        image = registry.host() + "/node/busybox:1.0";
        network = CniBridgeNetwork.create(base.resolve("cni"), "jcri-node", "jcrin" + tag,
                "10.238." + ThreadLocalRandom.current().nextInt(1, 254));
        Path config = JcriConfigFile.write(base, registry.host(), network.confDir());
        daemon = JcriDaemon.start(base.resolve("d"), "--config", config.toString());
        phase("daemon serving");
    }

    /** Where the time goes (the VM tier's budget is counted in minutes per kernel). */
    static void phase(String what) {
        System.out.printf("NodeFlowE2eTest: %s at %.1f s%n", what, (System.nanoTime() - CLASS_START) / 1e9);
    }

    /** After a failure: the pods a test left, torn down through the daemon (mounts, CNI, processes). */
    @AfterEach
    void removeLeftPods() {
        if (daemon == null) {
            return;
        }
        daemon.awaitServing(SLOW); // a failure during the crash test may leave it restarting
        for (var p : rt().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()) {
            rt().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(p.getId()).build());
            rt().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(p.getId()).build());
        }
    }

    @AfterAll
    static void stopNode() throws IOException {
        try {
            if (daemon != null) {
                daemon.close();
                phase("daemon stopped");
            }
        } finally {
            if (registry != null) {
                registry.close();
            }
            if (network != null) {
                network.close();
            }
            CgroupTrees.removeTrees(cgroupTop);
        }
    }

    static RuntimeServiceBlockingStub rt() {
        return daemon.endpoint().runtime();
    }

    @Test
    void aPodFromPullToRemovalThroughTheSocketLeavesNothingBehind() throws Exception {
        daemon.endpoint().images().pullImage(PullImageRequest.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage(image)).build());
        var pulled = daemon.endpoint().images().imageStatus(ImageStatusRequest.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage(image)).build()).getImage();
        assertThat(pulled.getRepoTagsList()).contains(image);
        assertThat(registry.gets("/v2/node/busybox/manifests/1.0")).as("pulled from the registry").isPositive();
        phase("image pulled");

        PodSandboxConfig pod = pod("web");
        String podId = runPod(pod);
        PodSandboxStatus ps = podStatus(podId);
        assertThat(ps.getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
        String ip = ps.getNetwork().getIp();
        assertThat(ip).startsWith(network.subnetPrefix() + ".");
        Path lease = base.resolve("cni/ipam/jcri-node/" + ip);
        assertThat(lease).as("host-local's lease of the pod's address").exists();
        phase("pod ready");

        String ctr = create(podId, pod, KubeletRequests.container(image, "web", "sh", "-c",
                "echo started; echo warned >&2; mkdir -p /www; echo hello-node > /www/index.html;"
                        + " exec busybox httpd -f -p 8080 -h /www")
                .setLinux(LinuxContainerConfig.newBuilder().setResources(LinuxContainerResources.newBuilder()
                        .setMemoryLimitInBytes(64L << 20))));
        rt().startContainer(StartContainerRequest.newBuilder().setContainerId(ctr).build());
        assertThat(status(ctr).getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
        long pid = pid(ctr);
        String cgroupPath = "/" + cgroupTop + "/pod" + pod.getMetadata().getUid() + "/" + ctr;
        Map<Path, String> cgroups = NodeCgroups.of(pid);
        assertThat(cgroups.values()).as("the container's cgroups, as /proc/%d/cgroup says", pid)
                .isNotEmpty().allMatch(cgroupPath::equals);
        assertThat(NodeCgroups.memoryLimit(pid)).as("the memory limit as the kernel holds it")
                .isEqualTo(64L << 20);

        // CNI bridge networking: the pod's address answers from the node
        Deadline.await(SLOW, "the pod's web server at " + ip, () -> get("http://" + ip + ":8080/index.html")
                .equals("200 hello-node"));

        Path log = Path.of(pod.getLogDirectory(), "web/0.log");
        Deadline.await(SLOW, "both lines in " + log,
                () -> read(log).contains(" stdout F started\n") && read(log).contains(" stderr F warned\n"));
        phase("container serving on the pod network, its log written");

        ExecSyncResponse exec = rt().execSync(ExecSyncRequest.newBuilder().setContainerId(ctr)
                .addAllCmd(List.of("sh", "-c",
                        "busybox hostname; busybox tr '\\0' ' ' < /proc/1/cmdline; echo; echo err >&2; exit 4"))
                .setTimeout(60).build());
        assertThat(exec.getExitCode()).isEqualTo(4);
        assertThat(exec.getStdout().toStringUtf8()).isEqualTo("web\nbusybox httpd -f -p 8080 -h /www \n");
        assertThat(exec.getStderr().toStringUtf8()).isEqualTo("err\n");

        // the streaming server: exec over WebSocket v5 (kubectl exec's protocol)
        String url = rt().exec(ExecRequest.newBuilder().setContainerId(ctr)
                .addAllCmd(List.of("sh", "-c", "echo streamed; ls /www")).setStdout(true).setStderr(true).build())
                .getUrl();
        Map<Integer, String> streamed = StreamedExec.run(url);
        assertThat(streamed.get(1)).isEqualTo("streamed\nindex.html\n");
        assertThat(streamed.get(3)).contains("\"status\":\"Success\"");
        phase("exec done");

        // httpd is PID 1 of its namespace and has no SIGTERM handler: killed at once with timeout 0
        rt().stopContainer(StopContainerRequest.newBuilder().setContainerId(ctr).setTimeout(0).build());
        ContainerStatus exited = status(ctr);
        assertThat(exited.getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
        assertThat(exited.getExitCode()).isEqualTo(137);
        Deadline.await(SLOW, "the container's process " + pid + " to be gone", () -> gone(pid));

        rt().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(ctr).build());
        assertThat(rt().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList())
                .noneMatch(c -> c.getId().equals(ctr));
        assertThat(NodeCgroups.existing(cgroupPath)).as("the container's cgroup after RemoveContainer").isEmpty();

        rt().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        assertThat(podStatus(podId).getState()).isEqualTo(PodSandboxState.SANDBOX_NOTREADY);
        assertThat(lease).as("the address is released by CNI DEL").doesNotExist();
        rt().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        assertThat(rt().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList())
                .noneMatch(p -> p.getId().equals(podId));
        assertNothingLeft(pod);
        phase("pod removed");
    }

    @Test
    void aRunningContainerOutlivesADaemonCrashAndTheNextDaemonStopsIt() throws Exception {
        daemon.endpoint().images().pullImage(PullImageRequest.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage(image)).build());
        PodSandboxConfig pod = pod("survivor");
        String podId = runPod(pod);
        String ip = podStatus(podId).getNetwork().getIp();
        String ctr = create(podId, pod, KubeletRequests.container(image, "ticker", "sh", "-c",
                "i=0; while :; do echo tick-$i; i=$((i+1)); busybox usleep 200000; done"));
        rt().startContainer(StartContainerRequest.newBuilder().setContainerId(ctr).build());
        long pid = pid(ctr);
        Path log = Path.of(pod.getLogDirectory(), "ticker/0.log");
        Deadline.await(SLOW, "ticks in " + log, () -> read(log).contains(" stdout F tick-2\n"));

        long oldJvm = daemon.daemonPid();
        phase("container running");
        daemon.killDaemonJvm(); // kill -9; jcri-subreaper starts a new JVM a second later
        Deadline.await(SLOW, "the old JVM " + oldJvm + " to be gone", () -> gone(oldJvm));
        assertThat(gone(pid)).as("the container outlives the daemon").isFalse();
        daemon.awaitServing(SLOW);
        assertThat(daemon.daemonPid()).isNotEqualTo(oldJvm);
        phase("the next daemon serving");

        // the new daemon found the pod, its network and the container, and follows its log again
        assertThat(podStatus(podId).getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
        assertThat(podStatus(podId).getNetwork().getIp()).isEqualTo(ip);
        assertThat(status(ctr).getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
        assertThat(pid(ctr)).isEqualTo(pid);
        int ticks = ticks(log);
        Deadline.await(SLOW, "new ticks after the restart", () -> ticks(log) > ticks + 2);
        ExecSyncResponse exec = rt().execSync(ExecSyncRequest.newBuilder().setContainerId(ctr)
                .addAllCmd(List.of("cat", "/proc/1/comm")).setTimeout(60).build());
        assertThat(exec.getStdout().toStringUtf8()).isEqualTo("sh\n");

        // sh ignores SIGTERM as PID 1: SIGKILL when the 1 s timeout ends
        rt().stopContainer(StopContainerRequest.newBuilder().setContainerId(ctr).setTimeout(1).build());
        assertThat(status(ctr).getExitCode()).isEqualTo(137);
        Deadline.await(SLOW, "the container's process " + pid + " to be gone", () -> gone(pid));
        rt().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(ctr).build());
        rt().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        rt().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        assertNothingLeft(pod);
        phase("pod removed by the next daemon");
    }

    /**
     * With every pod removed: no mount below the daemon's root and state dirs (overlays, pinned namespaces), no
     * cgroup below the pod's parent in any hierarchy and no process in one (the parent is kubelet's to remove).
     */
    static void assertNothingLeft(PodSandboxConfig pod) throws IOException {
        assertThat(rt().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()).isEmpty();
        Path d = daemon.base();
        List<String> mounts = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .map(l -> l.split(" ")[4])
                .filter(m -> m.startsWith(d.resolve("root") + "/") || m.startsWith(d.resolve("state") + "/"))
                .toList();
        assertThat(mounts).as("mounts left below " + d).isEmpty();
        String parent = pod.getLinux().getCgroupParent();
        for (Path dir : NodeCgroups.existing(parent)) {
            assertThat(NodeCgroups.children(dir)).as("cgroups left below " + dir).isEmpty();
            assertThat(Files.readString(dir.resolve("cgroup.procs")).trim()).as("processes in " + dir).isEmpty();
        }
        assertThat(NodeCgroups.processesBelow(parent)).as("processes in cgroups below " + parent).isEmpty();
    }

    static PodSandboxConfig pod(String name) {
        String uid = "uid" + ThreadLocalRandom.current().nextInt(1_000_000, 10_000_000);
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("node").setUid(uid))
                .setHostname(name)
                .setLogDirectory(base.resolve("logs/" + uid).toString())
                .putLabels("io.kubernetes.pod.uid", uid)
                // kubelet's cgroupfs driver names /kubepods/<qos>/pod<uid>
                .setLinux(LinuxPodSandboxConfig.newBuilder().setCgroupParent("/" + cgroupTop + "/pod" + uid)
                        .setSecurityContext(LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(
                                NamespaceOption.newBuilder().setPid(NamespaceMode.CONTAINER))))
                .build();
    }

    static String runPod(PodSandboxConfig config) {
        return rt().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
    }

    static PodSandboxStatus podStatus(String podId) {
        return rt().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId).build()).getStatus();
    }

    static String create(String podId, PodSandboxConfig pod, ContainerConfig.Builder c) {
        return rt().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId).setSandboxConfig(pod)
                .setConfig(c).build()).getContainerId();
    }

    static ContainerStatus status(String id) {
        return rt().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build()).getStatus();
    }

    /** The container's init as the node sees it (verbose info.pid, what crictl inspect shows). */
    static long pid(String id) {
        String info = rt().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).setVerbose(true)
                .build()).getInfoOrThrow("info");
        Matcher m = PID.matcher(info);
        assertThat(m.find()).as("a pid in " + info).isTrue();
        return Long.parseLong(m.group(1));
    }

    static boolean gone(long pid) {
        try {
            String status = Files.readString(Path.of("/proc/" + pid + "/status"));
            return status.contains("State:\tZ"); // exited, its parent not yet told
        } catch (IOException e) {
            return true;
        }
    }

    static int ticks(Path log) {
        return (int) read(log).lines().filter(l -> l.contains(" stdout F tick-")).count();
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    static String get(String url) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body().trim();
        } catch (IOException e) {
            return "failed: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The node's cgroup hierarchies from /proc/self/mountinfo (v1 controllers and cgroup2, hybrid or pure). */
    static final class NodeCgroups {
        private NodeCgroups() {
        }

        /**
         * Each controller hierarchy's mount point with the process's path in it, from /proc/PID/cgroup; a hybrid
         * host's cgroup2 mount only where the process is not at its root.
         */
        static Map<Path, String> of(long pid) throws IOException {
            Map<Path, String> out = new java.util.LinkedHashMap<>();
            Map<String, Path> mounts = mounts();
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
                String[] f = line.split(":", 3);
                // v1 lines name their controllers; the v2 line has none ("0::/path")
                // (named v1 hierarchies such as name=systemd hold no controller: jcri leaves them alone)
                String key = f[1];
                Path mount = mounts.get(key);
                if (mount != null && !key.startsWith("name=") && (!key.isEmpty() || !f[2].equals("/"))) {
                    out.put(mount, f[2]);
                }
            }
            return out;
        }

        /** The memory limit the kernel applies: memory.max (v2) or memory.limit_in_bytes (v1). */
        static long memoryLimit(long pid) throws IOException {
            Map<String, Path> mounts = mounts();
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
                String[] f = line.split(":", 3);
                Path dir = mounts.containsKey(f[1]) ? mounts.get(f[1]).resolve(f[2].substring(1)) : null;
                if (dir == null) {
                    continue;
                }
                if (List.of(f[1].split(",")).contains("memory")) {
                    return Long.parseLong(Files.readString(dir.resolve("memory.limit_in_bytes")).trim());
                }
                if (f[1].isEmpty() && Files.exists(dir.resolve("memory.max"))) {
                    return Long.parseLong(Files.readString(dir.resolve("memory.max")).trim());
                }
            }
            throw new AssertionError("no memory controller for process " + pid);
        }

        /** The directories of a cgroup path that exist, one per hierarchy. */
        static List<Path> existing(String path) throws IOException {
            List<Path> out = new ArrayList<>();
            for (Path mount : new java.util.LinkedHashSet<>(mounts().values())) {
                Path dir = mount.resolve(path.substring(1));
                if (Files.isDirectory(dir)) {
                    out.add(dir);
                }
            }
            return out;
        }

        static List<Path> children(Path dir) throws IOException {
            List<Path> out = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, Files::isDirectory)) {
                ds.forEach(out::add);
            }
            return out;
        }

        /** Every live process whose cgroup, in any hierarchy, is {@code path} or below it. */
        static List<Long> processesBelow(String path) throws IOException {
            List<Long> out = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc"),
                    p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
                for (Path p : ds) {
                    try {
                        for (String line : Files.readAllLines(p.resolve("cgroup"))) {
                            String cg = line.split(":", 3)[2];
                            if (cg.equals(path) || cg.startsWith(path + "/")) {
                                out.add(Long.parseLong(p.getFileName().toString()));
                                break;
                            }
                        }
                    } catch (IOException ended) {
                        // the process ended meanwhile
                    }
                }
            }
            return out;
        }

        /** Hierarchy key as /proc/PID/cgroup names it ("" for cgroup2, "cpu,cpuacct", "name=systemd") to mount. */
        private static Map<String, Path> mounts() throws IOException {
            Map<String, Path> out = new java.util.LinkedHashMap<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                int sep = List.of(f).indexOf("-");
                if (sep < 0) {
                    continue;
                }
                String type = f[sep + 1];
                if (type.equals("cgroup2")) {
                    out.putIfAbsent("", Path.of(f[4]));
                } else if (type.equals("cgroup")) {
                    List<String> keys = new ArrayList<>();
                    for (String o : f[sep + 3].split(",")) {
                        if (!List.of("rw", "ro", "relatime", "noatime", "nosuid", "nodev", "noexec", "clone_children",
                                "xattr", "noprefix", "cpuset_v2_mode", "favordynmods").contains(o)
                                && !o.startsWith("release_agent=")) {
                            keys.add(o);
                        }
                    }
                    out.putIfAbsent(String.join(",", keys), Path.of(f[4]));
                }
            }
            return out;
        }
    }

    /** Exec through the streaming server over WebSocket v5: the text per channel (1 stdout, 2 stderr, 3 error). */
    static final class StreamedExec {
        private StreamedExec() {
        }

        static Map<Integer, String> run(String url) throws Exception {
            Map<Integer, ByteArrayOutputStream> channels = new ConcurrentHashMap<>();
            CompletableFuture<Void> closed = new CompletableFuture<>();
            WebSocket ws = HTTP.newWebSocketBuilder().subprotocols("v5.channel.k8s.io")
                    .buildAsync(URI.create(url.replaceFirst("^http", "ws")), new WebSocket.Listener() {
                        private final ByteArrayOutputStream frame = new ByteArrayOutputStream();

                        @Override
                        public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                            byte[] b = new byte[data.remaining()];
                            data.get(b);
                            frame.writeBytes(b);
                            if (last) {
                                byte[] whole = frame.toByteArray();
                                frame.reset();
                                if (whole.length > 0) {
                                    channels.computeIfAbsent(whole[0] & 0xff, k -> new ByteArrayOutputStream())
                                            .writeBytes(java.util.Arrays.copyOfRange(whole, 1, whole.length));
                                }
                            }
                            w.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                            closed.complete(null);
                            return null;
                        }

                        @Override
                        public void onError(WebSocket w, Throwable error) {
                            closed.completeExceptionally(error);
                        }
                    }).get(SLOW.toSeconds(), TimeUnit.SECONDS);
            assertThat(ws.getSubprotocol()).isEqualTo("v5.channel.k8s.io");
            closed.get(SLOW.toSeconds(), TimeUnit.SECONDS);
            Map<Integer, String> out = new java.util.TreeMap<>();
            channels.forEach((ch, bytes) -> out.put(ch, bytes.toString(StandardCharsets.UTF_8)));
            return out;
        }
    }
}
