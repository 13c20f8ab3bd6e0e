package io.jcri.runtime.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Against the real cgroup2 mount. On this (hybrid) machine it has no domain controllers, only hugetlb (which has
 * no v1 hierarchy here), so cpu/memory/pids limits cannot be written: those formats are covered by
 * {@link V2CgroupFilesTest}. Creation, delegation, membership, cgroup.kill and removal are real.
 */
class V2CgroupRealTest {
    private Path unified;
    private CgroupManager manager;
    private String parent;
    private RealProcesses processes;

    @BeforeEach
    void setUp() throws Exception {
        unified = CgroupMounts.ofThisProcess().unified();
        assumeTrue(unified != null && Files.isWritable(unified.resolve("cgroup.procs")), "no writable cgroup2");
        manager = new CgroupManager(CgroupMode.V2, CgroupDriver.CGROUPFS, Map.of(), unified);
        parent = RealProcesses.uniqueParent();
        processes = new RealProcesses();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (processes == null) {
            return;
        }
        processes.close();
        // hugetlb stays delegated at the root, as create() leaves it for any cgroup: taking it back could pull
        // the files from under another user of the unified hierarchy
        manager.forParent(parent).destroy();
    }

    @Test
    void membershipKillAndRemoval() throws Exception {
        Cgroup cgroup = manager.forContainer(parent, "ctr");
        cgroup.create();
        assertThat(unified.resolve(parent).resolve("ctr")).isDirectory();
        Process sleep = processes.start("sleep", "300");
        cgroup.addProcess(sleep.pid());
        assertThat(RealProcesses.cgroupsOf(sleep.pid())).contains("0::/" + parent + "/ctr");
        assertThat(cgroup.pids()).containsExactly(sleep.pid());
        assertThat(cgroup.stats().cpuUsageNanos()).isGreaterThanOrEqualTo(0);
        assertThatThrownBy(() -> cgroup.addThread(RealProcesses.threadId()))
                .isInstanceOf(UnsupportedOperationException.class);

        cgroup.killAll(); // cgroup.kill
        assertThat(RealProcesses.exitsWithin(sleep, 10)).isTrue();
        assertThat(sleep.exitValue()).isEqualTo(137);
        cgroup.destroy();
        assertThat(unified.resolve(parent).resolve("ctr")).doesNotExist();
    }

    @Test
    void freezeFallbackKillsTheWholeSubtree() throws Exception {
        V2Cgroup cgroup = (V2Cgroup) manager.forContainer(parent, "ctr");
        cgroup.create();
        Path dir = unified.resolve(parent).resolve("ctr");
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Process top = processes.start("sleep", "300");
        Process nested = processes.start("sleep", "300");
        cgroup.addProcess(top.pid());
        Files.writeString(sub.resolve("cgroup.procs"), Long.toString(nested.pid()));

        cgroup.killAllFrozen(); // what killAll does on kernels without cgroup.kill (before 5.14)
        assertThat(RealProcesses.exitsWithin(top, 10)).isTrue();
        assertThat(RealProcesses.exitsWithin(nested, 10)).isTrue();
        assertThat(top.exitValue()).isEqualTo(137);
        assertThat(nested.exitValue()).isEqualTo(137);
        assertThat(Files.readString(dir.resolve("cgroup.freeze")).strip()).as("thawed again").isEqualTo("0");
        cgroup.destroy();
        assertThat(dir).doesNotExist();
    }

    @Test
    void missingControllerIsNamedAndNothingIsWritten() throws Exception {
        Cgroup cgroup = manager.forContainer(parent, "ctr");
        cgroup.create();
        Path dir = unified.resolve(parent).resolve("ctr");
        assumeTrue(!Files.exists(dir.resolve("cpu.max")), "cpu is enabled on this cgroup2 hierarchy");
        assertThatThrownBy(() -> cgroup.apply(Resources.builder().cpuQuota(50_000L, 100_000L).build()))
                .isInstanceOf(CgroupException.class)
                .hasMessageContaining("cgroup v2 controller \"cpu\" (for " + dir.resolve("cpu.max") + ") is not enabled for "
                        + dir)
                .hasMessageContaining("offers only");
        assertThat(cgroup.stats().pidsCurrent()).isZero();
        cgroup.killAll(); // an empty cgroup: nothing to do
        cgroup.destroy();
        cgroup.killAll(); // a removed one: nothing either
    }

    @Test
    void deviceFilterProgramIsEnforcedByTheKernel() throws Exception {
        assumeTrue(Files.exists(Path.of("/dev/loop0")), "no block device to probe with");
        Cgroup cgroup = manager.forContainer(parent, "ctr");
        cgroup.create();
        assertThat(cgroup.restrictDevices(DeviceRule.DEFAULT_ALLOWED)).isTrue();
        Process nullDevice = processes.start("sh", "-c", "read go; exec 3</dev/null 4>/dev/full");
        Process blockDevice = processes.start("sh", "-c", "read go; exec 3</dev/loop0");
        Process mknod = processes.start("sh", "-c", "read go; d=$(mktemp -d); mknod $d/loop b 7 0; r=$?; "
                + "rm -r $d; exit $r");
        for (Process p : List.of(nullDevice, blockDevice, mknod)) {
            cgroup.addProcess(p.pid());
            p.getOutputStream().write("go\n".getBytes());
            p.getOutputStream().flush();
        }
        for (Process p : List.of(nullDevice, blockDevice, mknod)) {
            assertThat(RealProcesses.exitsWithin(p, 10)).isTrue();
        }
        assertThat(nullDevice.exitValue()).as("/dev/null and /dev/full are allowed").isZero();
        assertThat(blockDevice.exitValue()).as("/dev/loop0 is not").isNotZero();
        assertThat(mknod.exitValue()).as("mknod of anything is (b *:* m)").isZero();
        // privileged containers: the allow-all program loads (the verifier accepts it) and allows everything
        Cgroup privileged = manager.forContainer(parent, "privileged");
        privileged.create();
        assertThat(privileged.restrictDevices(DeviceRule.ALLOW_ALL)).isTrue();
        Process anyDevice = processes.start("sh", "-c", "read go; exec 3</dev/loop0");
        privileged.addProcess(anyDevice.pid());
        anyDevice.getOutputStream().write("go\n".getBytes());
        anyDevice.getOutputStream().flush();
        assertThat(RealProcesses.exitsWithin(anyDevice, 10)).isTrue();
        assertThat(anyDevice.exitValue()).as("/dev/loop0 under allow-all").isZero();
        // the same open outside the cgroup works
        Process outside = processes.start("sh", "-c", "exec 3</dev/loop0");
        assertThat(RealProcesses.exitsWithin(outside, 10)).isTrue();
        assertThat(outside.exitValue()).isZero();
    }

    @Test
    void hugetlbLimitAndMemoryAsTheHierarchyOffersIt() throws Exception {
        List<String> controllers = List.of(Files.readString(unified.resolve("cgroup.controllers")).strip()
                .split("\\s+"));
        assumeTrue(controllers.contains("hugetlb"), "no hugetlb controller on cgroup2 here");
        Cgroup cgroup = manager.forContainer(parent, "ctr");
        cgroup.create();
        Path dir = unified.resolve(parent).resolve("ctr");
        assertThat(Files.readString(unified.resolve(parent).resolve("cgroup.subtree_control"))).contains("hugetlb");
        cgroup.apply(Resources.builder().hugepageLimits(Map.of("2MB", 4L << 20)).build());
        assertThat(Files.readString(dir.resolve("hugetlb.2MB.max")).strip()).isEqualTo("4194304");
        Resources memory = Resources.builder().memoryLimit(1L << 30).build();
        if (controllers.contains("memory")) {
            // a pure-v2 host: the limit lands as the kernel reports it
            cgroup.apply(memory);
            assertThat(Files.readString(dir.resolve("memory.max")).strip()).isEqualTo("1073741824");
        } else {
            // this hybrid host's cgroup2 mount has no memory controller: refused, naming the file
            assertThatThrownBy(() -> cgroup.apply(memory))
                    .isInstanceOf(CgroupException.class).hasMessageContaining("memory.max");
        }
        cgroup.destroy();
    }
}
