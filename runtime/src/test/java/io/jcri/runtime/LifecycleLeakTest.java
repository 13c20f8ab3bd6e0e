package io.jcri.runtime;

import io.jcri.runtime.cgroup.CgroupMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 100 create/start/stop/delete cycles per /proc path (200 in all), with pods and execs mixed in, leave no mounts,
 * cgroups, pinned namespaces, fds, threads or files behind. Also prints launch latencies.
 */
class LifecycleLeakTest {
    @TempDir
    Path tmp;

    @Test
    void cyclesLeaveNothingBehindPrimary() throws Exception {
        cycles(false);
    }

    @Test
    void cyclesLeaveNothingBehindFallback() throws Exception {
        cycles(true);
    }

    /**
     * cgroup v2 forced (the cgroup2 mount of a hybrid host, the only hierarchy of a pure-v2 one): gates and
     * cgroup-namespace helpers leave nothing.
     */
    @Test
    void cyclesLeaveNothingBehindCgroupV2Primary() throws Exception {
        cycles(false, CgroupMode.V2);
    }

    @Test
    void cyclesLeaveNothingBehindCgroupV2Fallback() throws Exception {
        cycles(true, CgroupMode.V2);
    }

    private void cycles(boolean fallback) throws Exception {
        cycles(fallback, null);
    }

    private void cycles(boolean fallback, CgroupMode mode) throws Exception {
        try (RuntimeFixture f = new RuntimeFixture(tmp, fallback, mode)) {
            for (int i = 0; i < 3; i++) cycle(f, i, new ArrayList<>(), new ArrayList<>()); // warm-up
            // only this test's mounts: other test suites on this machine mount and unmount concurrently
            String mine = tmp.toString();
            List<String> mounts = Host.mountinfo().stream().filter(l -> l.contains(mine)).toList();
            List<String> fds = Host.list(Path.of("/proc/self/fd"));
            int threads = Host.threadCount();
            List<Long> toRunning = new ArrayList<>(), toExited = new ArrayList<>();
            for (int i = 0; i < 100; i++) cycle(f, i, toRunning, toExited);
            assertThat(Host.mountinfo().stream().filter(l -> l.contains(mine)).toList())
                    .containsExactlyInAnyOrderElementsOf(mounts);
            assertThat(Host.eventually(Duration.ofSeconds(10), () -> Host.list(Path.of("/proc/self/fd")).size() <= fds.size()))
                    .as("fds " + Host.list(Path.of("/proc/self/fd")) + " vs " + fds).isTrue();
            // launch and exec threads are single-use: none may outlive its launch; the reaper and the one output
            // reader live as long as the runtime (JIT and GC threads of the JVM come and go on their own, so the
            // total is only checked loosely)
            assertThat(Host.eventually(Duration.ofSeconds(10), () -> Host.threadsNamed("jcri-").stream()
                    .allMatch(n -> n.equals("jcri-reaper") || n.equals("jcri-output"))))
                    .as("threads " + Host.threadsNamed("jcri-")).isTrue();
            assertThat(Host.threadCount()).isLessThanOrEqualTo(threads + 8);
            for (Path parent : io.jcri.runtime.cgroup.CgroupHost.inEveryHierarchy(f.cgroupParent)) {
                assertThat(Host.list(parent)).as(parent.toString())
                        .noneMatch(n -> java.nio.file.Files.isDirectory(parent.resolve(n)));
            }
            assertThat(Host.eventually(Duration.ofSeconds(10), () -> helperChildren().isEmpty()))
                    .as("jcri-init children (cgroup namespace helpers) " + helperChildren()).isTrue();
            assertThat(Host.list(f.root.resolve("containers"))).isEmpty();
            // writable layers go through the trash, emptied in the background
            assertThat(Host.eventually(Duration.ofSeconds(10), () -> Host.list(f.root.resolve("trash")).isEmpty()))
                    .as("trash " + Host.list(f.root.resolve("trash"))).isTrue();
            assertThat(Host.list(f.state.resolve("containers"))).isEmpty();
            assertThat(Host.list(f.state.resolve("pods"))).isEmpty();
            System.out.printf("launch latency (%s /proc): create+start to running p50 %.2f ms p99 %.2f ms; "
                            + "to exited (/bin/true) p50 %.2f ms p99 %.2f ms%n", fallback ? "fallback" : "pidns",
                    pct(toRunning, 50), pct(toRunning, 99), pct(toExited, 50), pct(toExited, 99));
            System.out.printf("  of which start() p50 %.2f ms p99 %.2f ms%n", pct(START, 50), pct(START, 99));
            START.clear();
        }
    }

    private static void cycle(RuntimeFixture f, int i, List<Long> toRunning, List<Long> toExited) {
        String pod = null;
        ContainerSpec spec;
        String id = f.newId();
        boolean oneShot = i % 2 == 0;
        spec = oneShot ? f.spec(id, "true") : f.spec(id, "sleep", "1000");
        if (i % 10 == 0) {
            pod = f.newPod();
            f.runtime.createPodNamespaces(new PodSpec(pod, "h", NamespaceMode.POD, NamespaceMode.CONTAINER,
                    NamespaceMode.POD));
            spec = spec.inPod(pod, NamespaceSpec.podDefault());
        }
        long t0 = System.nanoTime();
        f.runtime.create(spec);
        long t1 = System.nanoTime();
        try (ProcessIO io = f.runtime.start(id)) {
            // output not read
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        long running = System.nanoTime() - t0;
        if (!oneShot) START.add(System.nanoTime() - t1);
        if (oneShot) {
            ContainerState st = f.runtime.awaitExit(id, Duration.ofSeconds(10));
            toExited.add(System.nanoTime() - t0);
            assertThat(st.exitCode()).isEqualTo(0);
        } else {
            toRunning.add(running);
            if (i % 5 == 1) {
                assertThat(f.runtime.execSync(id, ProcessSpec.of("true"), Duration.ofSeconds(10)).exitCode()).isZero();
            }
            ContainerState st = f.runtime.stop(id, Duration.ofSeconds(10), 9);
            assertThat(st.exitCode()).isEqualTo(137);
        }
        f.runtime.delete(id);
        f.containers.remove(id);
        if (pod != null) {
            f.runtime.removePodNamespaces(pod);
            f.pods.remove(pod);
        }
    }

    /** Children of this JVM still running (or unreaped) as the jcri-init helper. */
    private static List<String> helperChildren() {
        List<String> found = new ArrayList<>();
        for (String task : Host.list(Path.of("/proc/self/task"))) {
            String children;
            try {
                children = Files.readString(Path.of("/proc/self/task", task, "children")).strip();
            } catch (java.io.IOException e) {
                continue; // the thread ended
            }
            for (String child : children.isEmpty() ? new String[0] : children.split(" ")) {
                try {
                    String stat = Files.readString(Path.of("/proc", child, "stat"));
                    int state = stat.lastIndexOf(')') + 2;
                    if (stat.contains("(jcri-init)")) found.add(child + " " + stat.charAt(state));
                } catch (java.io.IOException e) {
                    // gone meanwhile
                }
            }
        }
        return found;
    }

    private static final List<Long> START = new ArrayList<>();

    private static double pct(List<Long> nanos, int p) {
        if (nanos.isEmpty()) return 0;
        List<Long> s = new ArrayList<>(nanos);
        Collections.sort(s);
        return s.get(Math.min(s.size() - 1, (int) Math.ceil(p / 100.0 * s.size()) - 1)) / 1e6;
    }
}
