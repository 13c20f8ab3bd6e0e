package io.jcri.runtime;

import io.jcri.runtime.cgroup.CgroupException;
import io.jcri.runtime.cgroup.CgroupMode;
import io.jcri.runtime.cgroup.Resources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real containers with the cgroup mode forced to v2 ({@link RuntimeOptions#cgroupMode()}): on this hybrid host the
 * runtime then uses the cgroup2 mount (found in mountinfo: /sys/fs/cgroup/unified here), which has no domain
 * controllers on this host, but membership,
 * the gate, cgroup namespaces, the cgroup2 mount, cgroup.kill and removal are all real. Each launch test runs on
 * both /proc paths (fsconfig "pidns" and the in-namespace helper).
 */
class CgroupV2LaunchTest {
    /** The cgroup2 mount as /proc/self/mountinfo has it: /sys/fs/cgroup/unified here, /sys/fs/cgroup on pure v2. */
    static final Path UNIFIED = io.jcri.runtime.cgroup.CgroupHost.unified();

    @TempDir
    Path tmp;

    private RuntimeFixture v2(boolean fallback) throws Exception {
        return new RuntimeFixture(tmp, fallback, CgroupMode.V2);
    }

    private ContainerSpec logged(ContainerSpec spec) {
        Path out = tmp.resolve(spec.id() + ".out");
        return spec.withProcess(spec.process().withStdio(out, out));
    }

    private String output(String id, String needle) {
        String out = Host.waitForFile(tmp.resolve(id + ".out"), needle, Duration.ofSeconds(10));
        assertThat(out).as("output of " + id).contains(needle);
        return out;
    }

    private static List<Long> ids(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).map(Long::parseLong).toList();
    }

    private static String v2Line(long pid) {
        return Host.read(Path.of("/proc/" + pid + "/cgroup")).lines().filter(l -> l.startsWith("0::"))
                .findFirst().orElseThrow();
    }

    /** The gate FIFO belongs to the container's user: without CAP_DAC_OVERRIDE it could not open it otherwise. */
    @ParameterizedTest(name = "fallback /proc: {0}")
    @ValueSource(booleans = {false, true})
    void aUserWithoutCapabilitiesPassesTheGateForStartAndExec(boolean fallback) throws Exception {
        try (RuntimeFixture f = v2(fallback)) {
            String id = f.newId();
            SecuritySpec sec = SecuritySpec.defaults().withUser(1000L, 1000L, List.of())
                    .withCaps(false, List.of(), List.of("ALL"));
            ContainerState s = f.run(f.spec(id, "sleep", "1000").withSecurity(sec));
            assertThat(Host.status(s.pid(), "CapEff")).isEqualTo("0000000000000000");
            assertThat(v2Line(s.pid())).isEqualTo("0::/" + f.cgroupParent + "/" + id);
            ExecResult r = f.runtime.execSync(id, ProcessSpec.of("id", "-u"), Duration.ofSeconds(10));
            assertThat(new String(r.stdout())).isEqualTo("1000\n");
        }
    }

    @ParameterizedTest(name = "fallback /proc: {0}")
    @ValueSource(booleans = {false, true})
    void containerRunsInItsCgroupAndSeesItAsTheRoot(boolean fallback) throws Exception {
        try (RuntimeFixture f = v2(fallback)) {
            String id = f.newId();
            // the shell's very first action (builtins only: no fork) reads its own cgroup
            ContainerState s = f.run(logged(f.spec(id, "sh", "-c",
                    "while read -r l; do case $l in 0::*) echo \"first=$l\";; esac; done < /proc/self/cgroup; "
                            + "touch /sys/fs/cgroup/cgroup.procs 2>/dev/null && echo cgroupfs=rw || echo cgroupfs=ro; "
                            + "echo done; exec sleep 1000")));
            long pid = s.pid();
            String expected = "/" + f.cgroupParent + "/" + id;
            Path cg = f.runtime.cgroupPath(id);
            assertThat(cg).isEqualTo(UNIFIED.resolve(f.cgroupParent).resolve(id));

            // inside: in its cgroup before user code, which its own cgroup namespace shows as the root
            assertThat(output(id, "done")).startsWith("first=0::/\n").contains("cgroupfs=ro\n");
            // outside: the real path, in a cgroup namespace of its own, alone in the cgroup (no helper left)
            assertThat(v2Line(pid)).isEqualTo("0::" + expected);
            assertThat(Host.ns(pid, "cgroup")).isNotEqualTo(Host.selfNs("cgroup"));
            assertThat(ids(Host.read(cg.resolve("cgroup.procs")))).containsExactly(pid);
            // its /sys/fs/cgroup is a read-only cgroup2 mount rooted at its cgroup
            List<String> cgroupMount = Host.read(Path.of("/proc/" + pid + "/mountinfo")).lines()
                    .filter(l -> l.split(" ")[4].equals("/sys/fs/cgroup")).toList();
            assertThat(cgroupMount).hasSize(1);
            String[] fields = cgroupMount.get(0).split(" ");
            assertThat(fields[3]).isEqualTo(expected);
            assertThat(fields[5]).startsWith("ro,");
            assertThat(cgroupMount.get(0)).contains(" - cgroup2 ");

            // exec: the same cgroup and namespace; inside, cgroup.procs lists exactly pid 1 and the exec'd process
            ExecResult r = f.runtime.execSync(id, ProcessSpec.of("sh", "-c",
                    "echo $$; grep ^0:: /proc/self/cgroup; exec cat /sys/fs/cgroup/cgroup.procs"), Duration.ofSeconds(10));
            assertThat(r.exitCode()).as(new String(r.stderr())).isZero();
            List<String> lines = new String(r.stdout()).lines().toList();
            long self = Long.parseLong(lines.get(0));
            assertThat(lines.get(1)).isEqualTo("0::/");
            assertThat(ids(String.join("\n", lines.subList(2, lines.size())))).containsExactlyInAnyOrder(1L, self);
            ExecProcess p = f.runtime.exec(id, ProcessSpec.of("sleep", "1000"));
            try {
                assertThat(v2Line(p.pid())).isEqualTo("0::" + expected);
                assertThat(Host.ns(p.pid(), "cgroup")).isEqualTo(Host.ns(pid, "cgroup"));
                assertThat(ids(Host.read(cg.resolve("cgroup.procs")))).containsExactlyInAnyOrder(pid, p.pid());
            } finally {
                p.kill(9);
            }
            assertThat(p.exitCode().join()).isEqualTo(137);

            assertThat(f.runtime.stop(id, Duration.ofSeconds(10), 9).exitCode()).isEqualTo(137);
            f.runtime.delete(id);
            assertThat(cg).doesNotExist();
        }
    }

    @ParameterizedTest(name = "fallback /proc: {0}")
    @ValueSource(booleans = {false, true})
    void privilegedContainerGetsAWritableCgroupfs(boolean fallback) throws Exception {
        try (RuntimeFixture f = v2(fallback)) {
            String id = f.newId();
            f.run(f.spec(id, "sleep", "1000").withSecurity(SecuritySpec.defaults().withCaps(true, List.of(), List.of())));
            Path cg = f.runtime.cgroupPath(id);
            ExecResult r = f.runtime.execSync(id, ProcessSpec.of("sh", "-c",
                    // (only inside its own cgroup namespace: a broken one must not create cgroups at the host's root)
                    "grep -qx 0::/ /proc/self/cgroup && mkdir /sys/fs/cgroup/sub "
                            + "&& echo $$ > /sys/fs/cgroup/sub/cgroup.procs && grep ^0:: /proc/self/cgroup"),
                    Duration.ofSeconds(10));
            assertThat(r.exitCode()).as(new String(r.stderr())).isZero();
            assertThat(new String(r.stdout())).isEqualTo("0::/sub\n");
            assertThat(cg.resolve("sub")).isDirectory();
            f.runtime.delete(id); // removes the container's own sub-cgroups too
            assertThat(cg).doesNotExist();
        }
    }

    @ParameterizedTest(name = "fallback /proc: {0}")
    @ValueSource(booleans = {false, true})
    void stopKillsTheWholeCgroupAfterTheTimeout(boolean fallback) throws Exception {
        try (RuntimeFixture f = v2(fallback)) {
            String id = f.newId();
            // the node's PID namespace: killing the main process alone would leave the background one running
            ContainerState s = f.run(logged(f.spec(id, "sh", "-c",
                    "trap '' TERM; sleep 1000 & echo bg=$!; echo ready; wait")
                    .inPod(null, new NamespaceSpec(NamespaceMode.CONTAINER, NamespaceMode.NODE,
                            NamespaceMode.CONTAINER, null))));
            String out = output(id, "ready");
            long bg = Long.parseLong(out.lines().filter(l -> l.startsWith("bg=")).findFirst().orElseThrow()
                    .substring(3));
            Path cg = f.runtime.cgroupPath(id);
            assertThat(ids(Host.read(cg.resolve("cgroup.procs")))).containsExactlyInAnyOrder(s.pid(), bg);

            long t0 = System.nanoTime();
            ContainerState st = f.runtime.stop(id, Duration.ofMillis(500), 15);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).isGreaterThanOrEqualTo(500).isLessThan(10_000);
            assertThat(st.status()).isEqualTo(ContainerStatus.EXITED);
            assertThat(st.exitCode()).isEqualTo(137);
            assertThat(Host.eventually(Duration.ofSeconds(10),
                    () -> Host.read(cg.resolve("cgroup.events")).contains("populated 0")))
                    .as("cgroup emptied: " + Host.read(cg.resolve("cgroup.procs"))).isTrue();
            assertThat(Host.eventually(Duration.ofSeconds(10), () -> !alive(bg))).as("background process " + bg)
                    .isTrue();
            f.runtime.delete(id);
            assertThat(cg).doesNotExist();
        }
    }

    /** Not a live process (gone, or a zombie waiting for whoever inherited it). */
    private static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /**
     * A hybrid host's cgroup2 mount lacks memory and pids (bound to v1): such limits are refused naming each
     * file, and stats come from the files that exist. A pure-v2 host has them all: see
     * {@link #limitsLandAsTheKernelReportsThemAndStatsComeFromItsFiles()}.
     */
    @Test
    void limitsNeedAnEnabledControllerAndStatsUseTheFilesThatExist() throws Exception {
        Set<String> offered = io.jcri.runtime.cgroup.CgroupHost.unifiedControllers();
        if (offered.contains("memory") && offered.contains("pids")) {
            limitsLandAsTheKernelReportsThemAndStatsComeFromItsFiles();
            return;
        }
        try (RuntimeFixture f = v2(false)) {
            String limited = f.newId();
            assertThatThrownBy(() -> f.runtime.create(f.spec(limited, "sleep", "1000")
                    .withResources(Resources.builder().memoryLimit(64L << 20).pidsLimit(10).build())))
                    .isInstanceOf(CgroupException.class)
                    .hasMessageContaining("\"memory\" (for " + UNIFIED.resolve(f.cgroupParent).resolve(limited)
                            .resolve("memory.max") + ")")
                    .hasMessageContaining("\"pids\" (for " + UNIFIED.resolve(f.cgroupParent).resolve(limited)
                            .resolve("pids.max") + ")")
                    .hasMessageContaining("not enabled for " + UNIFIED.resolve(f.cgroupParent).resolve(limited))
                    .hasMessageContaining("offers only [");
            assertThat(UNIFIED.resolve(f.cgroupParent).resolve(limited)).doesNotExist();
            assertThat(f.root.resolve("containers").resolve(limited)).doesNotExist();
            assertThatThrownBy(() -> f.runtime.state(limited)).isInstanceOf(NoSuchElementException.class);

            // without limits it runs; stats come from what the cgroup has (cpu.stat, cgroup.threads; no memory.*)
            String id = f.newId();
            f.run(logged(f.spec(id, "sh", "-c",
                    "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; echo done; exec sleep 1000")));
            output(id, "done");
            Path cg = f.runtime.cgroupPath(id);
            assertThat(cg.resolve("memory.current")).doesNotExist();
            assertThat(cg.resolve("pids.current")).doesNotExist();
            ContainerStats stats = f.runtime.stats(id);
            assertThat(stats.cgroup().cpuUsageNanos()).isPositive();
            assertThat(stats.cgroup().memoryUsageBytes()).isZero();
            assertThat(stats.cgroup().pidsCurrent()).isEqualTo(1);

            // a controller the hierarchy does offer is delegated down and its limit applies, also live
            if (offered.contains("hugetlb") && Files.exists(cg.resolve("hugetlb.2MB.max"))) {
                f.runtime.updateResources(id, Resources.builder().hugepageLimits(Map.of("2MB", 4L << 20)).build());
                assertThat(Host.read(cg.resolve("hugetlb.2MB.max")).strip()).isEqualTo(Long.toString(4L << 20));
            }
            f.runtime.delete(id);
            assertThat(cg).doesNotExist();
        }
    }

    /** Pure v2: each CRI limit in the file the kernel reads it from, live updates, and stats from its files. */
    private void limitsLandAsTheKernelReportsThemAndStatsComeFromItsFiles() throws Exception {
        try (RuntimeFixture f = v2(false)) {
            String id = f.newId();
            f.run(logged(f.spec(id, "sh", "-c", "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; "
                    + "head -c 4000000 /dev/zero > /dev/shm/fill; echo done; exec sleep 1000")
                    .withResources(Resources.builder().memoryLimit(64L << 20).pidsLimit(10).cpuShares(1024L)
                            .cpuQuota(25_000L, 100_000L).hugepageLimits(Map.of("2MB", 0L)).build())));
            output(id, "done");
            Path cg = f.runtime.cgroupPath(id);
            assertThat(cg).isEqualTo(UNIFIED.resolve(f.cgroupParent).resolve(id));
            assertThat(Host.read(cg.resolve("memory.max")).strip()).isEqualTo(Long.toString(64L << 20));
            if (Files.exists(cg.resolve("memory.swap.max"))) {
                // containerd's default: memory+swap = memory, i.e. no swap on v2
                assertThat(Host.read(cg.resolve("memory.swap.max")).strip()).isEqualTo("0");
                assertThat(f.runtime.appliedResources(id).memorySwapLimitBytes()).isEqualTo(64L << 20);
            }
            assertThat(Host.read(cg.resolve("pids.max")).strip()).isEqualTo("10");
            assertThat(Host.read(cg.resolve("cpu.max")).strip()).isEqualTo("25000 100000");
            assertThat(Host.read(cg.resolve("cpu.weight")).strip()).isEqualTo("39");
            if (Files.exists(cg.resolve("hugetlb.2MB.max")))
                assertThat(Host.read(cg.resolve("hugetlb.2MB.max")).strip()).isEqualTo("0");

            // io has no CRI field of its own: kubelet and runc take it through the unified map, as here
            Resources.Builder io = Resources.builder();
            java.util.Map<String, String> unified = new java.util.LinkedHashMap<>();
            unified.put("io.weight", "default 200");
            String disk = aWholeDisk();
            if (disk != null) unified.put("io.max", disk + " rbps=1048576 wiops=120");
            f.runtime.updateResources(id, io.unified(unified).build());
            assertThat(Host.read(cg.resolve("io.weight")).lines().findFirst().orElseThrow()).isEqualTo("default 200");
            if (disk != null) {
                assertThat(Host.read(cg.resolve("io.max")).strip())
                        .isEqualTo(disk + " rbps=1048576 wbps=max riops=max wiops=120");
            }

            f.runtime.updateResources(id, Resources.builder().memoryLimit(96L << 20).pidsLimit(20)
                    .cpuQuota(-1L, 100_000L).cpuShares(2L).build());
            assertThat(Host.read(cg.resolve("memory.max")).strip()).isEqualTo(Long.toString(96L << 20));
            assertThat(Host.read(cg.resolve("pids.max")).strip()).isEqualTo("20");
            assertThat(Host.read(cg.resolve("cpu.max")).strip()).isEqualTo("max 100000");
            assertThat(Host.read(cg.resolve("cpu.weight")).strip()).isEqualTo("1");

            // the numbers the kernel keeps, as CRI stats: cpu.stat usage_usec, memory.current/memory.stat,
            // pids.current (the shell has exec'd sleep: one task); the 4 MB in /dev/shm is the pod's shmem
            ContainerStats stats = f.runtime.stats(id);
            long usageUsec = Long.parseLong(Host.read(cg.resolve("cpu.stat")).lines()
                    .filter(l -> l.startsWith("usage_usec ")).findFirst().orElseThrow().substring(11));
            assertThat(stats.cgroup().cpuUsageNanos()).isPositive().isLessThanOrEqualTo(usageUsec * 1000);
            assertThat(stats.cgroup().memoryUsageBytes()).isGreaterThanOrEqualTo(4_000_000);
            assertThat(stats.cgroup().memoryWorkingSetBytes()).isPositive()
                    .isLessThanOrEqualTo(stats.cgroup().memoryUsageBytes());
            assertThat(stats.cgroup().pidsCurrent()).isEqualTo(1)
                    .isEqualTo(Long.parseLong(Host.read(cg.resolve("pids.current")).strip()));
            f.runtime.delete(id);
            assertThat(cg).doesNotExist();
        }
    }

    /** MAJ:MIN of a whole disk (io.max takes no partitions), a virtio or SCSI one first; null if there is none. */
    private static String aWholeDisk() throws java.io.IOException {
        List<String> names = Host.list(Path.of("/sys/block")).stream()
                .filter(n -> !n.startsWith("ram") && !n.startsWith("zram"))
                .sorted(java.util.Comparator.comparing((String n) -> n.startsWith("loop")))
                .toList();
        for (String n : names) {
            Path dev = Path.of("/sys/block", n, "dev");
            if (Files.exists(dev) && Files.exists(Path.of("/sys/block", n, "queue"))) return Host.read(dev).strip();
        }
        return null;
    }
}
