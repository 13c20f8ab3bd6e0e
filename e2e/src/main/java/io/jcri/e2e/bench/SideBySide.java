package io.jcri.e2e.bench;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.jcri.cri.v1.ContainerState;
import io.jcri.cri.v1.ContainerStateValue;
import io.jcri.cri.v1.ContainerFilter;
import io.jcri.cri.v1.ExecSyncRequest;
import io.jcri.cri.v1.ExecSyncResponse;
import io.jcri.cri.v1.ImageSpec;
import io.jcri.cri.v1.ImageStatusRequest;
import io.jcri.cri.v1.ListContainerStatsRequest;
import io.jcri.cri.v1.ListContainersRequest;
import io.jcri.cri.v1.ListPodSandboxRequest;
import io.jcri.cri.v1.PullImageRequest;
import io.jcri.cri.v1.RemoveImageRequest;
import io.jcri.e2e.harness.ContainerdDaemon;
import io.jcri.e2e.harness.Deadline;
import io.jcri.image.testkit.ManifestFormat;
import io.jcri.image.testkit.TestImageBuilder;
import io.jcri.image.testkit.TestLayers;
import io.jcri.image.testkit.TestRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The side-by-side harness: jcri and containerd started on private sockets with the same CNI plugins and the same
 * loopback registry, each scenario run on both in turn (A B A B …) so that machine drift hits both, results as a
 * Markdown table and a JSON file. Smoke mode runs every scenario once against jcri only, with smaller sizes.
 */
final class SideBySide {
    /** What a run does: which targets, how many repetitions, how big. */
    record Options(boolean smoke, Path containerd2, List<String> targets, Set<Integer> scenarios, int runs, int warmup, int pullRuns,
                   int concurrentRuns, int relistRuns, int concurrentPods, int relistPods, long bigImageBytes,
                   int bigImageLayers, int launches, int podLaunches, int memoryContainers, int memoryRuns,
                   int floorCalls, int floorContainers, int pullCycles, long pullImageBytes, int pullImageSmallFiles,
                   Path json, Path work, String tag) {
    }

    private static final String SIGTERM_SCRIPT = "trap 'exit 0' TERM; echo ready; while :; do sleep 0.1; done";

    private final Options o;
    private final Results results;
    private final List<BenchTarget> targets = new ArrayList<>();
    private final Map<String, Pods> pods = new LinkedHashMap<>();
    /** Scenario id to whether it ran without failure on every target (for smoke mode's closing line). */
    private final Map<String, Boolean> outcome = new LinkedHashMap<>();
    private TestRegistry registry;
    private String busybox;
    private String pause;
    private String big;
    /** Scenario 3's image on disk (blobs and layer names it has and busybox has not). */
    private StoredImage bigStored;
    /** Scenario 13's image, and it on disk. */
    private String pullImage;
    private StoredImage pullStored;
    /** runc for scenario 9, on a state root of its own under the work dir; null when not run. */
    private Runc runc;

    private SideBySide(Options o) {
        this.o = o;
        List<String> columns = new ArrayList<>(o.targets());
        if (o.scenarios().contains(9) && Runc.find() != null) {
            columns.add("runc");
        }
        this.results = new Results(columns);
    }

    /** Runs everything and tears it all down; returns the process exit code. */
    static int run(Options o) throws Exception {
        SideBySide b = new SideBySide(o);
        try {
            b.setUp();
            b.scenarios();
        } catch (Exception | Error e) {
            b.results.error("harness: " + e);
            b.outcome.put("harness", false);
            e.printStackTrace();
        } finally {
            b.tearDown();
        }
        System.out.println();
        b.results.printHeader(System.out);
        b.results.printMarkdown(System.out);
        b.results.writeJson(o.json());
        System.out.println();
        System.out.println("JSON: " + o.json().toAbsolutePath());
        if (o.smoke()) {
            long failed = b.outcome.values().stream().filter(ok -> !ok).count();
            System.out.println("bench-smoke: " + (b.outcome.size() - failed) + " passed, " + failed + " failed");
        }
        return b.results.errors().isEmpty() ? 0 : 1;
    }

    private static void log(String fmt, Object... args) {
        System.err.printf(Locale.ROOT, "[bench %s] %s%n", Instant.now().toString().substring(11, 19),
                String.format(Locale.ROOT, fmt, args));
    }

    // ---------------------------------------------------------------------------------------------- setup

    private void setUp() throws Exception {
        results.info("started", Instant.now().toString());
        results.info("mode", o.smoke() ? "smoke" : "full");
        results.info("uptime_before", Procs.run(false, "uptime").trim());
        results.info("kernel", Procs.run(false, "uname", "-r").trim());
        results.info("nproc", Runtime.getRuntime().availableProcessors());
        results.info("git_commit", Procs.run(false, "git", "rev-parse", "HEAD").trim());
        if (o.targets().contains("containerd")) {
            results.info("containerd_binary", Procs.run(false, "containerd", "--version").trim());
            results.info("runc_binary", Procs.run(false, "runc", "--version").lines().findFirst().orElse(""));
        }
        if (o.targets().contains("containerd2")) {
            results.info("containerd2_binary", Procs.run(false, o.containerd2().toString(), "--version").trim());
        }
        log("starting the loopback registry and pushing images");
        registry = TestRegistry.start();
        TestImageBuilder.image().layer(TestLayers.busybox()).cmd("sh")
                .push(registry, "bench/busybox", "1.0", ManifestFormat.OCI);
        busybox = registry.host() + "/bench/busybox:1.0";
        pause = ContainerdDaemon.pushSandboxImage(registry, "bench/pause");
        if (o.scenarios().contains(3)) {
            long t0 = System.nanoTime();
            io.jcri.image.testkit.PushedImage img = TestLayers.bigImage(o.bigImageBytes(), o.bigImageLayers(), 42)
                    .push(registry, "bench/big", "1.0", ManifestFormat.OCI);
            big = registry.host() + "/bench/big:1.0";
            Set<String> names = new java.util.HashSet<>(Set.of(img.digest().hex(), img.imageId().hex(), "small", "big"));
            img.layers().get(0).stream().skip(1).forEach(l -> names.add(l.digest().hex())); // the first is busybox's
            bigStored = new StoredImage(names);
            log("pushed %s (%d MB in %d layers + busybox) in %.1f s", big, o.bigImageBytes() >> 20,
                    o.bigImageLayers(), (System.nanoTime() - t0) / 1e9);
        }
        if (o.scenarios().contains(13)) {
            long t0 = System.nanoTime();
            io.jcri.image.testkit.PushedImage img = TestLayers.pullImage(o.pullImageBytes(), o.pullImageSmallFiles(), 13)
                    .push(registry, "bench/pull", "1.0", ManifestFormat.OCI);
            pullImage = img.reference();
            Set<String> names = new java.util.HashSet<>(TestLayers.PULL_IMAGE_NAMES);
            names.addAll(List.of(img.digest().hex(), img.imageId().hex()));
            long bytes = 0;
            for (io.jcri.image.testkit.TestLayer l : img.layers().get(0)) {
                names.add(l.digest().hex());
                bytes += l.size();
            }
            pullStored = new StoredImage(names);
            results.info("pull_image", Map.of("reference", pullImage, "bytes", bytes, "layers",
                    img.layers().get(0).size(), "small_files", o.pullImageSmallFiles()));
            log("pushed %s (%.1f MB in %d layers, %d small files) in %.1f s", pullImage, bytes / 1e6,
                    img.layers().get(0).size(), o.pullImageSmallFiles(), (System.nanoTime() - t0) / 1e9);
        }
        results.info("images", Map.of("busybox", busybox, "pause", pause, "big", big == null ? "" : big,
                "big_bytes", o.bigImageBytes(), "big_layers", o.bigImageLayers() + 1));
        int netA = ThreadLocalRandom.current().nextInt(1, 254);
        for (String name : o.targets()) {
            Path dir = Files.createDirectories(o.work().resolve(name));
            // one conflist shape for both; each runtime its own bridge and subnet
            String bridge = "jb" + o.tag() + switch (name) {
                case "jcri" -> "j";
                case "containerd" -> "c";
                default -> "d";
            };
            String subnet = switch (name) {
                case "jcri" -> "10.237.";
                case "containerd" -> "10.238.";
                default -> "10.239.";
            } + netA;
            Path netd = Files.createDirectories(dir.resolve("net.d"));
            Files.writeString(netd.resolve("10-bench.conflist"), """
                    {"cniVersion": "1.0.0", "name": "jcri-bench", "plugins": [
                      {"type": "bridge", "bridge": "%s", "isGateway": true, "ipMasq": false,
                       "ipam": {"type": "host-local", "dataDir": "%s", "ranges": [[{"subnet": "%s.0/24"}]],
                                "routes": [{"dst": "0.0.0.0/0"}]}},
                      {"type": "portmap", "capabilities": {"portMappings": true}}
                    ]}
                    """.formatted(bridge, dir.resolve("ipam"), subnet));
            String cgroupParent = "/jcribench-" + o.tag() + "-" + name;
            log("starting %s (bridge %s, %s.0/24, cgroup parent %s)", name, bridge, subnet, cgroupParent);
            BenchTarget t = switch (name) {
                case "jcri" -> JcriTarget.start(dir, registry.host(), netd, cgroupParent);
                case "containerd" -> ContainerdTarget.start(dir, registry.host(), pause, netd, cgroupParent);
                default -> ContainerdTarget.start(name, o.containerd2(), dir, registry.host(), pause, netd,
                        cgroupParent);
            };
            targets.add(t);
            pods.put(name, new Pods(t, busybox));
            results.info("version_" + name, t.version());
        }
        for (BenchTarget t : targets) {
            for (String img : List.of(busybox, pause)) {
                t.cri().images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(img))
                        .build());
            }
        }
    }

    private void tearDown() {
        log("teardown");
        for (BenchTarget t : targets) {
            try {
                pods.get(t.name()).destroyAll().forEach(results::error);
            } catch (RuntimeException e) {
                results.error(t.name() + ": teardown: " + e);
            }
        }
        for (BenchTarget t : targets) {
            try {
                List<Long> shims = t instanceof ContainerdTarget c ? c.shimPids() : List.of();
                t.close();
                // shims of pods that could not be removed outlive containerd: stop them by PID
                for (long pid : shims) {
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
                }
            } catch (RuntimeException e) {
                results.error(t.name() + ": stop: " + e);
            }
        }
        if (runc != null) {
            runc.deleteAll().forEach(results::error);
        }
        if (registry != null) {
            registry.close();
        }
        results.info("uptime_after", Procs.run(false, "uptime").trim());
    }

    // ---------------------------------------------------------------------------------------------- scenarios

    private void scenarios() throws Exception {
        settle();
        memory("6a", "memory idle (after image pre-pull)");
        if (o.scenarios().contains(12)) {
            // first, while each daemon holds only the pods this scenario makes (its ListContainers counts them)
            outcome.put("12", true);
            new RpcFloor(results, targets, pods, busybox, o.floorCalls(), 10, o.floorContainers(),
                    m -> log("%s", m)).measure();
            outcome.put("12", RpcFloor.passed(results));
        }
        if (o.scenarios().contains(1)) {
            withPhases("1", () -> scenario("1", "RunPodSandbox+Stop+Remove (CNI)", this::podLifecycle, o.runs()));
        }
        if (o.scenarios().contains(2) || o.scenarios().contains(7)) {
            Map<String, Pods.Pod> home = new LinkedHashMap<>();
            Map<String, String> execCtr = new LinkedHashMap<>();
            for (BenchTarget t : targets) {
                Pods p = pods.get(t.name());
                Pods.Pod pod = p.run("home");
                home.put(t.name(), pod);
                String c = p.create(pod, p.container(pod, "exec", "sleep", "3600"));
                p.start(c);
                execCtr.put(t.name(), c);
            }
            if (o.scenarios().contains(2)) {
                scenario("2a", "Create+Start+Stop(timeout 0)+Remove, sleep",
                        t -> containerCycle(t, home.get(t.name()), false), o.runs());
                scenario("2b", "Create+Start+Stop+Remove, SIGTERM-handling sh",
                        t -> containerCycle(t, home.get(t.name()), true), o.runs());
            }
            if (o.scenarios().contains(7)) {
                scenario("7", "ExecSync `true`", t -> execTrue(t, execCtr.get(t.name())), o.runs() * 2);
            }
            for (BenchTarget t : targets) {
                pods.get(t.name()).destroy(home.get(t.name()).id());
            }
        }
        if (o.scenarios().contains(8)) {
            launchLatency();
        }
        if (o.scenarios().contains(9)) {
            runcLaunches();
        }
        if (o.scenarios().contains(10)) {
            scenario("10", "memory per running container (" + o.memoryContainers() + " sleep containers in one pod)",
                    this::containerMemory, o.memoryRuns());
        }
        if (o.scenarios().contains(3)) {
            scenario("3", "cold PullImage " + (o.bigImageBytes() >> 20) + " MB, " + (o.bigImageLayers() + 1)
                    + " layers", this::coldPull, o.pullRuns());
        }
        if (o.scenarios().contains(13)) {
            scenario("13", "PullImage " + (o.pullImageBytes() >> 20) + " MB, 4 layers (content gone before each)",
                    this::pullRemove, o.pullCycles());
        }
        if (o.scenarios().contains(5)) {
            scenario("5", o.concurrentPods() + " pods started concurrently, wall time to all running",
                    this::concurrentPods, o.concurrentRuns());
        }
        if (o.scenarios().contains(4)) {
            relist();
        }
        if (o.scenarios().contains(14)) {
            podMemory();
        }
        if (o.scenarios().contains(11)) {
            scenario("11", "Version (a bare RPC: per-call overhead)", this::version, o.runs() * 10);
        }
        settle();
        memory("6d", "memory idle after the run (all pods removed)");
    }

    private interface Scenario {
        void once(BenchTarget t) throws Exception;
    }

    /** Warm-up rounds, then {@code runs} rounds with the targets in turn; a failure ends the scenario. */
    private void scenario(String id, String label, Scenario s, int runs) {
        log("scenario %s: %s (%d runs, %d warm-up)", id, label, runs, o.warmup());
        current = id;
        currentLabel = label;
        recording = false;
        outcome.put(id, true);
        Set<String> failed = new java.util.HashSet<>();
        for (int i = 0; i < o.warmup() + runs; i++) {
            recording = i >= o.warmup();
            for (BenchTarget t : targets) {
                if (failed.contains(t.name())) {
                    continue;
                }
                try {
                    s.once(t);
                } catch (Exception | AssertionError e) {
                    failed.add(t.name());
                    outcome.put(id, false);
                    String msg = e instanceof StatusRuntimeException sre ? sre.getStatus().toString() : e.toString();
                    results.note(id, label, "ms", t.name(), "failed");
                    results.error(t.name() + ": scenario " + id + ": " + msg);
                    log("%s: scenario %s failed: %s", t.name(), id, msg);
                }
            }
        }
    }

    private String current;
    private String currentLabel;
    private boolean recording;

    private void record(String suffix, String label, String unit, BenchTarget t, double value) {
        if (recording) {
            results.add(current + suffix, label, unit, t.name(), value);
        }
    }

    private static double since(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }

    // 1
    private void podLifecycle(BenchTarget t) {
        Pods p = pods.get(t.name());
        var config = p.config("lifecycle");
        long t0 = System.nanoTime();
        Pods.Pod pod = p.run(config);
        long t1 = System.nanoTime();
        p.stop(pod.id());
        long t2 = System.nanoTime();
        p.remove(pod.id());
        long t3 = System.nanoTime();
        record("", currentLabel, "ms", t, (t3 - t0) / 1e6);
        record(".run", "  RunPodSandbox", "ms", t, (t1 - t0) / 1e6);
        record(".stop", "  StopPodSandbox", "ms", t, (t2 - t1) / 1e6);
        record(".remove", "  RemovePodSandbox", "ms", t, (t3 - t2) / 1e6);
    }

    // 2
    private void containerCycle(BenchTarget t, Pods.Pod pod, boolean sigterm) {
        Pods p = pods.get(t.name());
        String name = (sigterm ? "term-" : "sleep-") + ThreadLocalRandom.current().nextInt(1_000_000);
        var config = sigterm ? p.container(pod, name, "sh", "-c", SIGTERM_SCRIPT) : p.container(pod, name, "sleep",
                "3600");
        long t0 = System.nanoTime();
        String ctr = p.create(pod, config);
        long t1 = System.nanoTime();
        p.start(ctr);
        long t2 = System.nanoTime();
        if (sigterm) {
            // the trap must be set before the stop, or the signal kills sh before it can handle it (not timed)
            Path log = Path.of(pod.config().getLogDirectory(), name, "0.log");
            Deadline.await(Duration.ofSeconds(20), "the trap in " + log, () -> read(log).contains("F ready"));
        }
        long t3 = System.nanoTime();
        p.stopContainer(ctr, sigterm ? 30 : 0);
        long t4 = System.nanoTime();
        p.removeContainer(ctr);
        long t5 = System.nanoTime();
        double total = (t1 - t0 + t2 - t1 + t4 - t3 + t5 - t4) / 1e6;
        record("", currentLabel, "ms", t, total);
        record(".create", "  CreateContainer", "ms", t, (t1 - t0) / 1e6);
        record(".start", "  StartContainer", "ms", t, (t2 - t1) / 1e6);
        record(".stop", sigterm ? "  StopContainer (timeout 30, exits on TERM)" : "  StopContainer (timeout 0)",
                "ms", t, (t4 - t3) / 1e6);
        record(".remove", "  RemoveContainer", "ms", t, (t5 - t4) / 1e6);
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    // 7
    private void execTrue(BenchTarget t, String ctr) {
        long t0 = System.nanoTime();
        ExecSyncResponse r = t.cri().runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(ctr)
                .addCmd("true").setTimeout(10).build());
        double ms = since(t0);
        if (r.getExitCode() != 0) {
            throw new AssertionError("exec true exited " + r.getExitCode() + ": " + r.getStderr().toStringUtf8());
        }
        record("", currentLabel, "ms", t, ms);
    }

    private void version(BenchTarget t) {
        long t0 = System.nanoTime();
        t.cri().runtime().version(io.jcri.cri.v1.VersionRequest.getDefaultInstance());
        record("", currentLabel, "ms", t, since(t0));
    }

    // 8: launch latency over CRI in the warm daemon
    private void launchLatency() {
        for (boolean hostNetwork : List.of(false, true)) {
            // one pod per variant, run before and removed after the timed launches
            Map<String, Pods.Pod> pod = new LinkedHashMap<>();
            for (BenchTarget t : targets) {
                Pods p = pods.get(t.name());
                pod.put(t.name(), p.run(p.config(hostNetwork ? "launch-host" : "launch-netns", hostNetwork)));
            }
            String where = hostNetwork ? "into a hostNetwork pod" : "into a pod with its own netns";
            withPhases(hostNetwork ? "8c" : "8a", () -> scenario(hostNetwork ? "8c" : "8a",
                    "launch sleep to RUNNING " + where,
                    t -> launch(t, pod.get(t.name()), Launch.Kind.SLEEP_TO_RUNNING), o.launches()));
            scenario(hostNetwork ? "8d" : "8b", "launch `true` to EXITED " + where,
                    t -> launch(t, pod.get(t.name()), Launch.Kind.TRUE_TO_EXITED), o.launches());
            for (BenchTarget t : targets) {
                pods.get(t.name()).destroy(pod.get(t.name()).id());
            }
        }
        withPhases("8e", () -> scenario("8e", "RunPodSandbox (new netns + CNI) + launch `true` to EXITED",
                t -> launchWithPod(t, false), o.podLaunches()));
        scenario("8f", "RunPodSandbox (hostNetwork) + launch `true` to EXITED",
                t -> launchWithPod(t, true), o.podLaunches());
    }

    /**
     * Runs a scenario between two scrapes of jcri's metrics and records the daemon's own mean time per phase of
     * StartContainer, RunPodSandbox and StopPodSandbox over it (warm-up rounds included) as rows
     * {@code <id>.start.<phase>}, {@code <id>.sandbox.<phase>} and {@code <id>.stop.<phase>}: where the time inside
     * the RPC went.
     */
    private void withPhases(String id, Runnable scenario) {
        JcriTarget jcri = targets.stream().filter(t -> t instanceof JcriTarget).map(t -> (JcriTarget) t).findFirst()
                .orElse(null);
        io.jcri.e2e.harness.PrometheusScrape before = null;
        try {
            before = jcri == null ? null : jcri.metrics();
        } catch (IOException | RuntimeException e) {
            log("jcri: no metrics before scenario %s: %s", id, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scenario.run();
        if (before == null) {
            return;
        }
        try {
            io.jcri.e2e.harness.PrometheusScrape after = jcri.metrics();
            PhaseMeans.between(before, after, "jcri_sandbox_run_phase_seconds").forEach((phase, ms) ->
                    results.add(id + ".sandbox." + phase, "  jcri RunPodSandbox phase " + phase
                            + " (daemon-side mean)", "ms", jcri.name(), ms));
            PhaseMeans.between(before, after, "jcri_sandbox_stop_phase_seconds").forEach((phase, ms) ->
                    results.add(id + ".stop." + phase, "  jcri StopPodSandbox phase " + phase
                            + " (daemon-side mean)", "ms", jcri.name(), ms));
            PhaseMeans.between(before, after, "jcri_container_start_phase_seconds").forEach((phase, ms) ->
                    results.add(id + ".start." + phase, "  jcri StartContainer phase " + phase
                            + " (daemon-side mean)", "ms", jcri.name(), ms));
        } catch (IOException | RuntimeException e) {
            log("jcri: no metrics after scenario %s: %s", id, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void launch(BenchTarget t, Pods.Pod pod, Launch.Kind kind) {
        Pods p = pods.get(t.name());
        Launch.Launched l = Launch.inPod(p, pod, kind);
        Launch.removeContainer(p, l, kind);
        record("", currentLabel, "ms", t, l.totalMs());
        record(".create", "  CreateContainer", "ms", t, l.createMs());
        record(".start", "  StartContainer", "ms", t, l.startMs());
        record(".wait", kind == Launch.Kind.TRUE_TO_EXITED ? "  StartContainer returned to EXITED seen"
                : "  StartContainer returned to RUNNING seen", "ms", t, l.awaitMs());
        record(".polls", "  ContainerStatus calls until then (1 ms apart)", "count", t, l.polls());
    }

    private void launchWithPod(BenchTarget t, boolean hostNetwork) {
        Pods p = pods.get(t.name());
        Launch.Launched l = Launch.withPod(p, hostNetwork, Launch.Kind.TRUE_TO_EXITED);
        p.destroy(l.pod().id());
        record("", currentLabel, "ms", t, l.totalMs());
        record(".run", "  RunPodSandbox", "ms", t, l.runMs());
        record(".create", "  CreateContainer", "ms", t, l.createMs());
        record(".start", "  StartContainer", "ms", t, l.startMs());
        record(".wait", "  StartContainer returned to EXITED seen", "ms", t, l.awaitMs());
        record(".polls", "  ContainerStatus calls until then (1 ms apart)", "count", t, l.polls());
    }

    // 9: runc run on a bundle of the same busybox rootfs
    private void runcLaunches() {
        Path binary = Runc.find();
        if (binary == null) {
            results.info("runc_scenario", "skipped: runc is not installed");
            log("scenario 9: skipped, runc is not installed");
            return;
        }
        log("scenario 9: runc run on a busybox bundle (%d runs of each variant, %d warm-up)", o.launches(),
                o.warmup());
        outcome.put("9", true);
        try {
            Path dir = Files.createDirectories(o.work().resolve("runc"));
            runc = new Runc(binary, dir.resolve("root"));
            results.info("runc_scenario", binary + ": " + runc.version());
            RuncBundle bundle = RuncBundle.create(dir.resolve("bundle"), binary, "/jcribench-" + o.tag() + "-runc");
            new RuncLaunches(results, runc, bundle, "jcribench-" + o.tag() + "-").measure(o.warmup(), o.launches());
        } catch (Exception | AssertionError e) {
            outcome.put("9", false);
            results.note("9a", "runc run", "ms", "runc", "failed");
            results.error("runc: scenario 9: " + e);
            log("runc: scenario 9 failed: %s", e);
        } finally {
            if (runc != null) {
                runc.deleteAll().forEach(results::error);
            }
        }
    }

    // 10: memory and processes per running container
    private void containerMemory(BenchTarget t) {
        ContainerMemory.Measurement m = ContainerMemory.measure(t, pods.get(t.name()), o.memoryContainers(),
                this::settle);
        record("", "memory per running container: runtime RSS growth / " + o.memoryContainers(), "KiB", t,
                m.rssKbPerContainer());
        record(".pss", "  runtime PSS growth per running container", "KiB", t, m.pssKbPerContainer());
        record(".pod", "  memory per pod: runtime RSS growth + sandbox (pause) RSS", "KiB", t, m.podRssKb());
        record(".procs", "  processes per container besides the container", "count", t, m.procsPerContainer());
        record(".podprocs", "  processes per pod besides its containers (shim, pause)", "count", t, m.procsPerPod());
        record(".parent", "  containers whose parent is the daemon (of " + o.memoryContainers() + ")", "count", t,
                m.childrenOfDaemon());
        if (t.name().equals("jcri")) {
            m.requireNoHelperProcesses(t.name());
        }
    }

    // 14: memory at 0, 20 and 100 pods after settling, one target at a time (no warm-up: each run starts 100 pods)
    private void podMemory() {
        int small = o.concurrentPods();
        int large = o.relistPods();
        String label = "memory at " + small + " and " + large + " running pods (settled)";
        log("scenario 14: %s (%d runs)", label, o.memoryRuns());
        outcome.put("14", true);
        Set<String> failed = new java.util.HashSet<>();
        for (int i = 0; i < o.memoryRuns(); i++) {
            for (BenchTarget t : targets) {
                if (failed.contains(t.name())) {
                    continue;
                }
                try {
                    Map<String, PodMemory.Reading> r = PodMemory.measure(t, pods.get(t.name()), small, large,
                            this::settleMemory);
                    for (Map.Entry<String, PodMemory.Reading> e : r.entrySet()) {
                        String step = e.getKey();
                        String when = step.equals("after") ? "after the pods are removed" : step + " pods";
                        PodMemory.Reading m = e.getValue();
                        results.add("14." + step + ".pss", "memory at " + when + ": PSS daemon+shims", "MiB",
                                t.name(), m.runtime().pssMib());
                        results.add("14." + step + ".rss", "  RSS daemon+shims", "MiB", t.name(), m.runtime().rssMib());
                        if (m.sandboxes().count() > 0) {
                            results.add("14." + step + ".pause", "  pause processes (PSS, not in the rows above)",
                                    "MiB", t.name(), m.sandboxes().pssMib());
                        }
                        results.add("14." + step + ".threads", "  daemon threads", "count", t.name(),
                                m.daemonThreads());
                    }
                    double perPod = (r.get(Integer.toString(large)).runtime().pssKb()
                            - r.get(Integer.toString(small)).runtime().pssKb()) / (double) (large - small);
                    results.add("14.perpod", "memory per running pod (PSS growth " + small + " to " + large
                            + " pods, daemon+shims)", "KiB", t.name(), perPod);
                } catch (RuntimeException | AssertionError e) {
                    failed.add(t.name());
                    outcome.put("14", false);
                    results.note("14", label, "MiB", t.name(), "failed");
                    results.error(t.name() + ": scenario 14: " + e);
                    log("%s: scenario 14 failed: %s", t.name(), e);
                }
            }
        }
    }

    // 3
    private void coldPull(BenchTarget t) {
        var images = t.cri().images();
        ImageSpec spec = ImageSpec.newBuilder().setImage(big).build();
        images.removeImage(RemoveImageRequest.newBuilder().setImage(spec).build());
        bigStored.awaitGone(t, "scenario 3's image", Duration.ofSeconds(60)); // a cold pull, and a true "before"
        long before = Procs.treeBytes(t.rootDir());
        long t0 = System.nanoTime();
        String ref = images.pullImage(PullImageRequest.newBuilder().setImage(spec).build()).getImageRef();
        double ms = since(t0);
        if (!images.imageStatus(ImageStatusRequest.newBuilder().setImage(spec).build()).hasImage()) {
            throw new AssertionError("pulled " + ref + " but ImageStatus does not report it");
        }
        long stored = Procs.treeBytes(t.rootDir()) - before;
        long r0 = System.nanoTime();
        images.removeImage(RemoveImageRequest.newBuilder().setImage(spec).build());
        double removeMs = since(r0);
        double goneMs = bigStored.awaitGone(t, "scenario 3's image", Duration.ofSeconds(60)) + removeMs;
        long residue = Procs.treeBytes(t.rootDir()) - before;
        record("", currentLabel, "ms", t, ms);
        record(".remove", "  RemoveImage (returned)", "ms", t, removeMs);
        record(".gone", "  RemoveImage until the image's blobs and unpacked layers are gone from disk", "ms", t,
                goneMs);
        record(".stored", "  bytes stored by the pull", "MiB", t, stored / 1048576.0);
        record(".residue", "  bytes left once its content is gone", "MiB", t, residue / 1048576.0);
    }

    // 13: PullImage and RemoveImage, each pull a real one: the image and all its content are gone before it
    private void pullRemove(BenchTarget t) {
        var images = t.cri().images();
        ImageSpec spec = ImageSpec.newBuilder().setImage(pullImage).build();
        images.removeImage(RemoveImageRequest.newBuilder().setImage(spec).build()); // a failed round may have left it
        pullStored.awaitGone(t, "scenario 13's image", Duration.ofSeconds(60));
        if (bigStored != null) {
            bigStored.awaitGone(t, "scenario 3's image", Duration.ofSeconds(60)); // its bytes must not count here
        }
        long before = Procs.treeBytes(t.rootDir());
        long t0 = System.nanoTime();
        String id = images.pullImage(PullImageRequest.newBuilder().setImage(spec).build()).getImageRef();
        double pullMs = since(t0);
        if (!images.imageStatus(ImageStatusRequest.newBuilder().setImage(spec).build()).hasImage()) {
            throw new AssertionError("pulled " + id + " but ImageStatus does not report it");
        }
        if (pullStored.leftUnder(t.rootDir()).isEmpty()) {
            throw new AssertionError("pulled " + id + " but nothing of it is stored under " + t.rootDir());
        }
        long storedBytes = Procs.treeBytes(t.rootDir()) - before;
        long r0 = System.nanoTime();
        images.removeImage(RemoveImageRequest.newBuilder().setImage(spec).build());
        double removeMs = since(r0);
        if (images.imageStatus(ImageStatusRequest.newBuilder().setImage(spec).build()).hasImage()
                || images.imageStatus(ImageStatusRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(id))
                .build()).hasImage()) {
            throw new AssertionError("RemoveImage returned but ImageStatus still reports " + id);
        }
        double goneMs = pullStored.awaitGone(t, "scenario 13's image", Duration.ofSeconds(60)) + removeMs;
        long residue = Procs.treeBytes(t.rootDir()) - before;
        record("", currentLabel, "ms", t, pullMs);
        record(".remove", "  RemoveImage (returned; image no longer listed)", "ms", t, removeMs);
        record(".gone", "  RemoveImage until its blobs and unpacked layers are gone from disk", "ms", t, goneMs);
        record(".cycle", "  PullImage + RemoveImage", "ms", t, pullMs + removeMs);
        record(".stored", "  bytes stored by the pull", "MiB", t, storedBytes / 1048576.0);
        record(".residue", "  bytes left once the content is gone", "MiB", t, residue / 1048576.0);
    }

    // 5
    private void concurrentPods(BenchTarget t) {
        Pods p = pods.get(t.name());
        List<Integer> n = new ArrayList<>();
        for (int i = 0; i < o.concurrentPods(); i++) {
            n.add(i);
        }
        long t0 = System.nanoTime();
        List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>());
        Parallel.forEach(n.size(), n, i -> ids.add(p.podWithSleeper("conc" + i).id()));
        double ms = since(t0);
        int running = t.cri().runtime().listContainers(ListContainersRequest.newBuilder().setFilter(ContainerFilter
                .newBuilder().setState(ContainerStateValue.newBuilder().setState(ContainerState.CONTAINER_RUNNING)))
                .build()).getContainersCount();
        if (running < o.concurrentPods()) {
            throw new AssertionError(running + " containers running, expected " + o.concurrentPods());
        }
        record("", currentLabel, "ms", t, ms);
        if (recording) {
            Procs.Memory m = Procs.memory(t.runtimePids());
            results.add("6b.rss", "memory at " + o.concurrentPods() + " pods: RSS daemon+shims", "MiB", t.name(),
                    m.rssMib());
            results.add("6b.pss", "memory at " + o.concurrentPods() + " pods: PSS daemon+shims", "MiB", t.name(),
                    m.pssMib());
            results.add("6b.procs", "  runtime processes at " + o.concurrentPods() + " pods", "count", t.name(),
                    m.count());
            sandboxMemory("6b", o.concurrentPods() + " pods", t);
        }
        Parallel.forEach(8, ids, p::destroy);
    }

    private void sandboxMemory(String id, String when, BenchTarget t) {
        List<Long> sandboxes = t.sandboxPids();
        if (!sandboxes.isEmpty()) {
            Procs.Memory s = Procs.memory(sandboxes);
            results.add(id + ".pause", "  pause processes at " + when + " (PSS, not in the row above)", "MiB",
                    t.name(), s.pssMib());
        }
    }

    // 4 and 6c
    private void relist() {
        String label = "relist: ListPodSandbox+ListContainers+ListContainerStats, " + o.relistPods() + " pods";
        log("scenario 4: starting %d pods on each runtime", o.relistPods());
        outcome.put("4", true);
        Set<String> failed = new java.util.HashSet<>();
        for (BenchTarget t : targets) {
            Pods p = pods.get(t.name());
            List<Integer> n = new ArrayList<>();
            for (int i = 0; i < o.relistPods(); i++) {
                n.add(i);
            }
            long t0 = System.nanoTime();
            try {
                Parallel.forEach(8, n, i -> p.podWithSleeper("relist" + i));
                results.add("4.setup", "  (setup) start " + o.relistPods() + " pods, 8 at a time", "ms", t.name(),
                        since(t0));
            } catch (RuntimeException e) {
                failed.add(t.name());
                outcome.put("4", false);
                results.note("4", label, "ms", t.name(), "failed");
                results.error(t.name() + ": starting " + o.relistPods() + " pods: " + e);
            }
        }
        settle();
        for (BenchTarget t : targets) {
            if (failed.contains(t.name())) {
                continue;
            }
            Procs.Memory m = Procs.memory(t.runtimePids());
            results.add("6c.rss", "memory at " + o.relistPods() + " pods: RSS daemon+shims", "MiB", t.name(),
                    m.rssMib());
            results.add("6c.pss", "memory at " + o.relistPods() + " pods: PSS daemon+shims", "MiB", t.name(),
                    m.pssMib());
            results.add("6c.procs", "  runtime processes at " + o.relistPods() + " pods", "count", t.name(),
                    m.count());
            sandboxMemory("6c", o.relistPods() + " pods", t);
        }
        Set<String> statsUnimplemented = new java.util.HashSet<>();
        for (int i = 0; i < o.warmup() + o.relistRuns(); i++) {
            boolean rec = i >= o.warmup();
            for (BenchTarget t : targets) {
                if (failed.contains(t.name())) {
                    continue;
                }
                try {
                    var rt = t.cri().runtime();
                    long t0 = System.nanoTime();
                    int pods = rt.listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsCount();
                    long t1 = System.nanoTime();
                    int ctrs = rt.listContainers(ListContainersRequest.getDefaultInstance()).getContainersCount();
                    long t2 = System.nanoTime();
                    long t3 = t2;
                    if (!statsUnimplemented.contains(t.name())) {
                        try {
                            rt.listContainerStats(ListContainerStatsRequest.getDefaultInstance());
                        } catch (StatusRuntimeException e) {
                            if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
                                throw e;
                            }
                            statsUnimplemented.add(t.name());
                            results.note("4.stats", "  ListContainerStats", "ms", t.name(), "UNIMPLEMENTED");
                            results.note("4", label, "ms", t.name(),
                                    "ListContainerStats UNIMPLEMENTED");
                        }
                        t3 = System.nanoTime();
                    }
                    if (pods < o.relistPods() || ctrs < o.relistPods()) {
                        throw new AssertionError("listed " + pods + " pods and " + ctrs + " containers");
                    }
                    if (rec) {
                        if (!statsUnimplemented.contains(t.name())) {
                            results.add("4", label, "ms", t.name(), (t3 - t0) / 1e6);
                            results.add("4.stats", "  ListContainerStats", "ms", t.name(), (t3 - t2) / 1e6);
                        }
                        results.add("4.pods", "  ListPodSandbox", "ms", t.name(), (t1 - t0) / 1e6);
                        results.add("4.ctrs", "  ListContainers", "ms", t.name(), (t2 - t1) / 1e6);
                        results.add("4.lists", "  ListPodSandbox+ListContainers", "ms", t.name(),
                                (t2 - t0) / 1e6);
                    }
                } catch (RuntimeException | AssertionError e) {
                    failed.add(t.name());
                    outcome.put("4", false);
                    results.note("4", label, "ms", t.name(), "failed");
                    results.error(t.name() + ": scenario 4: " + e);
                }
            }
        }
        for (BenchTarget t : targets) {
            long t0 = System.nanoTime();
            pods.get(t.name()).destroyAll().forEach(results::error);
            results.add("4.teardown", "  (teardown) stop+remove " + o.relistPods() + " pods, 8 at a time", "ms",
                    t.name(), since(t0));
        }
    }

    // 6
    private void memory(String id, String label) {
        outcome.put(id, true);
        for (BenchTarget t : targets) {
            Procs.Memory m = Procs.memory(t.runtimePids());
            results.add(id + ".rss", label + ": RSS", "MiB", t.name(), m.rssMib());
            results.add(id + ".pss", label + ": PSS", "MiB", t.name(), m.pssMib());
        }
    }

    /**
     * Longer than {@link #settle()}: past jcri's periodic collection and native trim (15 s each, deploy/bin/jcri),
     * so a reading is the memory a node keeps at that pod count, not the garbage of starting the pods.
     */
    private void settleMemory() {
        try {
            Thread.sleep(o.smoke() ? 500 : 20_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Lets the daemons finish background work (GC, JIT, pending deletions) before a memory reading. */
    private void settle() {
        try {
            Thread.sleep(o.smoke() ? 500 : 5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
