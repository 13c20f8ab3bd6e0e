package io.jcri.e2e.differential;

import io.jcri.cri.v1.ContainerConfig;
import io.jcri.cri.v1.ImageSpec;
import io.jcri.cri.v1.LinuxPodSandboxConfig;
import io.jcri.cri.v1.LinuxSandboxSecurityContext;
import io.jcri.cri.v1.NamespaceMode;
import io.jcri.cri.v1.NamespaceOption;
import io.jcri.cri.v1.PodSandboxConfig;
import io.jcri.cri.v1.PodSandboxMetadata;
import io.jcri.cri.v1.PullImageRequest;
import io.jcri.e2e.harness.CniBridgeNetwork;
import io.jcri.e2e.harness.CgroupTrees;
import io.jcri.e2e.harness.ContainerdDaemon;
import io.jcri.e2e.harness.JcriDaemon;
import io.jcri.image.testkit.ManifestFormat;
import io.jcri.image.testkit.TarWriter;
import io.jcri.image.testkit.TestImageBuilder;
import io.jcri.image.testkit.TestLayer;
import io.jcri.image.testkit.TestLayers;
import io.jcri.image.testkit.TestRegistry;
import io.jcri.e2e.harness.KubeletRequests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * jcri and containerd 1.6 + runc (the oracle) side by side, started once for every differential case of the run:
 * one loopback registry with a busybox image (every applet linked) and the pause image containerd needs as its
 * {@code sandbox_image}, one CNI bridge network per runtime (random bridge name and subnet), each runtime on its
 * own socket, root, state and cgroup parent. {@link #both} sends the same requests to both at once. Closing it
 * removes pods, daemons, shims, leftover workloads and cgroups, mounts under its directory, bridges, the registry
 * and the directory, by PID and by name, whatever state a case left.
 */
final class RuntimePair implements AutoCloseable {

    @FunctionalInterface
    interface OnSide<T> {
        T call(Side side) throws Exception;
    }

    private final String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    private final AtomicLong seq = new AtomicLong();
    private final DifferentialReport report = new DifferentialReport();
    private final ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "differential-side");
        t.setDaemon(true);
        return t;
    });
    private final List<AutoCloseable> undo = new ArrayList<>();
    private Path base;
    private String image;
    private String pauseImage;
    private JcriDaemon jcriDaemon;
    private ContainerdDaemon containerdDaemon;
    private Side jcri;
    private Side containerd;

    private RuntimePair() {
    }

    static RuntimePair start() throws Exception {
        RuntimePair p = new RuntimePair();
        try {
            p.setUp();
        } catch (Exception | Error e) {
            p.close();
            throw e;
        }
        return p;
    }

    private void setUp() throws Exception {
        base = Files.createTempDirectory("jcri-diff-");
        Files.createDirectories(work());
        TestRegistry registry = TestRegistry.start();
        undo.add(registry);
        TestImageBuilder.image().layer(busyboxAllApplets()).cmd("sh")
                .push(registry, "diff/busybox", "1.0", ManifestFormat.OCI);
        image = registry.host() + "/diff/busybox:1.0";
        pauseImage = ContainerdDaemon.pushSandboxImage(registry, "diff/pause");

        int net = ThreadLocalRandom.current().nextInt(1, 254);
        CniBridgeNetwork jcriNet = CniBridgeNetwork.create(base.resolve("jcri"), "jcri-diff", "jd" + tag + "j",
                "10.241." + net);
        undo.add(jcriNet);
        CniBridgeNetwork containerdNet = CniBridgeNetwork.create(base.resolve("containerd"), "jcri-diff",
                "jd" + tag + "c", "10.242." + net);
        undo.add(containerdNet);

        Path jcriConfig = base.resolve("jcri/jcri.toml");
        Files.writeString(jcriConfig, """
                [registries."%s"]
                plain_http = true

                [cni]
                conf_dir = "%s"
                """.formatted(registry.host(), jcriNet.confDir()));
        // each daemon is started in its own thread: together they take the time of the slower one
        CompletableFuture<JcriDaemon> j = CompletableFuture.supplyAsync(() -> JcriDaemon.start(
                base.resolve("jcri/d"), "--config", jcriConfig.toString(), "--log-level", "info"), pool);
        CompletableFuture<ContainerdDaemon> c = CompletableFuture.supplyAsync(() -> {
            try {
                return ContainerdDaemon.start(base.resolve("containerd/d"), registry.host(), pauseImage,
                        containerdNet.confDir());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, pool);
        try {
            jcriDaemon = j.join();
        } finally {
            try {
                containerdDaemon = c.join();
            } catch (RuntimeException e) {
                if (jcriDaemon != null) {
                    jcriDaemon.close();
                    jcriDaemon = null;
                }
                throw e;
            }
        }
        jcri = new Side("jcri", jcriDaemon.endpoint(), base.resolve("jcri/logs"), "/jcridiff-" + tag + "-jcri");
        containerd = new Side("containerd", containerdDaemon.endpoint(), base.resolve("containerd/logs"),
                "/jcridiff-" + tag + "-containerd");
        both(s -> {
            s.cri().images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder()
                    .setImage(image)).build());
            return null;
        });
        containerd.cri().images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder()
                .setImage(pauseImage)).build());
    }

    /** Debian's static busybox with a link for every applet it has, plus /etc/passwd and /etc/group. */
    private static TestLayer busyboxAllApplets() throws IOException {
        byte[] busybox = Files.readAllBytes(TestLayers.BUSYBOX);
        List<String> applets = Host.run(TestLayers.BUSYBOX.toString(), "--list").lines()
                .filter(a -> !a.isBlank() && !a.equals("busybox")).toList();
        return TestLayer.gzip(TarWriter.bytes(t -> {
            t.dir("bin").dir("etc").dir("tmp", 01777, 0, 0);
            t.file("bin/busybox", busybox, 0755, 0, 0);
            for (String applet : applets) {
                t.symlink("bin/" + applet, "busybox");
            }
            t.file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
            t.file("etc/group", "root:x:0:\nnogroup:x:65534:\n");
        }));
    }

    Side jcri() {
        return jcri;
    }

    Side containerd() {
        return containerd;
    }

    DifferentialReport report() {
        return report;
    }

    /** The busybox image both runtimes pulled, by tag. */
    String image() {
        return image;
    }

    /** A directory on the host for what cases make there (profiles, mount sources). */
    Path work() {
        return base.resolve("host");
    }

    /** A name unique in this run. */
    String unique(String prefix) {
        return prefix + "-" + seq.incrementAndGet();
    }

    /** Runs {@code f} on jcri and on containerd at the same time; each side's failure is its answer. */
    <T> Answers<T> both(OnSide<T> f) {
        CompletableFuture<Outcome<T>> j = CompletableFuture.supplyAsync(() -> on(jcri, f), pool);
        CompletableFuture<Outcome<T>> c = CompletableFuture.supplyAsync(() -> on(containerd, f), pool);
        return new Answers<>(j.join(), c.join(), report);
    }

    private static <T> Outcome<T> on(Side s, OnSide<T> f) {
        try {
            return Outcome.of(f.call(s));
        } catch (Exception | AssertionError e) {
            return Outcome.failed(e);
        }
    }

    /**
     * A pod config as kubelet sends it for a pod of this name (hostname = name, pid namespace per container),
     * before the side adds its log directory and cgroup parent.
     */
    PodSandboxConfig.Builder pod(String name) {
        String uid = unique(name);
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("diff").setUid(uid))
                .setHostname(name)
                .putLabels("io.kubernetes.pod.uid", uid)
                .putLabels("io.kubernetes.pod.name", name)
                .putLabels("io.kubernetes.pod.namespace", "diff")
                .setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(LinuxSandboxSecurityContext
                        .newBuilder().setNamespaceOptions(NamespaceOption.newBuilder()
                                .setPid(NamespaceMode.CONTAINER))));
    }

    /** A container of the busybox image running {@code command}, logging to {@code name/0.log}. */
    ContainerConfig.Builder container(String name, String... command) {
        return KubeletRequests.container(image, name, command);
    }

    /** After each case: every pod either side still has is stopped and removed. */
    void cleanup() {
        List<String> failures = new ArrayList<>();
        both(s -> failures.addAll(s.destroyAll()));
        if (!failures.isEmpty()) {
            throw new AssertionError("teardown: " + failures);
        }
    }

    @Override
    public void close() {
        List<Throwable> errors = new ArrayList<>();
        step(errors, () -> {
            if (jcri != null && containerd != null) {
                cleanup();
            }
        });
        List<Long> shims = containerdDaemon == null ? List.of() : containerdDaemon.shimPids();
        step(errors, () -> {
            if (containerdDaemon != null) {
                copyLog(containerdDaemon.log(), "containerd.log");
                containerdDaemon.close();
            }
        });
        // the shims of pods that could not be removed outlive containerd: stop them by PID
        step(errors, () -> shims.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy)));
        step(errors, () -> {
            if (jcriDaemon != null) {
                jcriDaemon.close();
                copyLog(jcriDaemon.log(), "jcri.log");
            }
        });
        step(errors, () -> CgroupTrees.removeTrees("jcridiff-" + tag + "-"));
        step(errors, () -> {
            if (base != null) {
                Host.unmountAll(base);
            }
        });
        for (int i = undo.size() - 1; i >= 0; i--) {
            step(errors, undo.get(i)::close);
        }
        step(errors, () -> report.write(Path.of("target/differential/report.md")));
        step(errors, () -> {
            if (base != null && Files.exists(base) && Host.mountsUnder(base).isEmpty()) {
                try (var walk = Files.walk(base)) {
                    walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        });
        step(errors, RuntimePair::removeEmptyShimSocketDirs);
        pool.shutdownNow();
        if (!errors.isEmpty()) {
            AssertionError e = new AssertionError("differential fixture teardown failed: " + errors);
            errors.forEach(e::addSuppressed);
            throw e;
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void step(List<Throwable> errors, Step s) {
        try {
            s.run();
        } catch (Exception | AssertionError e) {
            errors.add(e);
        }
    }

    /**
     * containerd's shims put their sockets under /run/containerd/s whatever the state dir; those directories are
     * removed when nothing is left in them (a system containerd's are never empty while it runs).
     */
    private static void removeEmptyShimSocketDirs() {
        for (Path d : List.of(Path.of("/run/containerd/s"), Path.of("/run/containerd"))) {
            try {
                Files.deleteIfExists(d);
            } catch (IOException notEmpty) {
                return;
            }
        }
    }

    private static void copyLog(String text, String name) throws IOException {
        Path dir = Files.createDirectories(Path.of("target/differential"));
        Path tmp = dir.resolve(name + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}
