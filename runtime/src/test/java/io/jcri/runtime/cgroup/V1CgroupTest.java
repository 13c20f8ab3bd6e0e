package io.jcri.runtime.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against this machine's real cgroup v1 hierarchies, under a throw-away parent. */
class V1CgroupTest {
    private static final Path MEMORY = Path.of("/sys/fs/cgroup/memory");

    private CgroupManager manager;
    private String parent;
    private RealProcesses processes;

    @BeforeEach
    void setUp() {
        manager = CgroupManager.detect(CgroupDriver.CGROUPFS);
        assumeTrue(manager.mode() != CgroupMode.V2, "no cgroup v1 here");
        assumeTrue(Files.isWritable(MEMORY), "cgroup v1 is not writable (not root?)");
        parent = RealProcesses.uniqueParent();
        processes = new RealProcesses();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (processes != null) {
            processes.close();
            manager.forParent(parent).destroy();
        }
    }

    private static String read(Path dir, String file) throws Exception {
        return Files.readString(dir.resolve(file)).strip();
    }

    @Test
    void limitsAsTheKernelReportsThem() throws Exception {
        Cgroup cgroup = manager.forContainer(parent, "ctr");
        cgroup.create();
        Path cpu = Path.of("/sys/fs/cgroup/cpu", parent, "ctr");
        Path cpuset = Path.of("/sys/fs/cgroup/cpuset", parent, "ctr");
        Path memory = MEMORY.resolve(parent).resolve("ctr");
        Path pids = Path.of("/sys/fs/cgroup/pids", parent, "ctr");
        assertThat(cgroup.path()).isEqualTo(memory);
        assertThat(read(cpuset, "cpuset.cpus")).as("seeded from the parent")
                .isEqualTo(read(Path.of("/sys/fs/cgroup/cpuset"), "cpuset.cpus"));
        assertThat(read(cpuset, "cpuset.mems")).isEqualTo(read(Path.of("/sys/fs/cgroup/cpuset"), "cpuset.mems"));

        cgroup.apply(Resources.builder().cpuShares(512).cpuQuota(20_000, 100_000).cpuset("0", "0")
                .memoryLimit(64L << 20).memorySwapLimit(128L << 20).pidsLimit(32).build());
        assertThat(read(cpu, "cpu.shares")).isEqualTo("512");
        assertThat(read(cpu, "cpu.cfs_quota_us")).isEqualTo("20000");
        assertThat(read(cpu, "cpu.cfs_period_us")).isEqualTo("100000");
        assertThat(read(cpuset, "cpuset.cpus")).isEqualTo("0");
        assertThat(read(memory, "memory.limit_in_bytes")).isEqualTo(Long.toString(64L << 20));
        assertThat(read(memory, "memory.memsw.limit_in_bytes")).isEqualTo(Long.toString(128L << 20));
        assertThat(read(pids, "pids.max")).isEqualTo("32");

        // live updates in both directions: memsw must stay >= memory at every step
        cgroup.apply(Resources.builder().memoryLimit(16L << 20).memorySwapLimit(16L << 20).build());
        assertThat(read(memory, "memory.limit_in_bytes")).isEqualTo(Long.toString(16L << 20));
        assertThat(read(memory, "memory.memsw.limit_in_bytes")).isEqualTo(Long.toString(16L << 20));
        cgroup.apply(Resources.builder().memoryLimit(512L << 20).memorySwapLimit(1L << 30).cpuQuota(-1, 50_000)
                .pidsLimit(0).build());
        assertThat(read(memory, "memory.limit_in_bytes")).isEqualTo(Long.toString(512L << 20));
        assertThat(read(memory, "memory.memsw.limit_in_bytes")).isEqualTo(Long.toString(1L << 30));
        assertThat(read(cpu, "cpu.cfs_quota_us")).isEqualTo("-1");
        assertThat(read(cpu, "cpu.cfs_period_us")).isEqualTo("50000");
        assertThat(read(pids, "pids.max")).isEqualTo("max");
        cgroup.apply(Resources.builder().memoryLimit(-1).build());
        assertThat(Long.parseLong(read(memory, "memory.limit_in_bytes"))).isGreaterThan(1L << 60);
    }

    @Test
    void devicesAreDeniedExceptTheStandardNodes() throws Exception {
        Cgroup cgroup = manager.forContainer(parent, "ctr");
        cgroup.create();
        Path devices = Path.of("/sys/fs/cgroup/devices", parent, "ctr");
        assertThat(read(devices, "devices.list")).isEqualTo("a *:* rwm");
        assertThat(cgroup.restrictDevices(DeviceRule.DEFAULT_ALLOWED)).isTrue();
        assertThat(Files.readAllLines(devices.resolve("devices.list"))).containsExactlyInAnyOrderElementsOf(
                DeviceRule.DEFAULT_ALLOWED.stream().map(DeviceRule::toV1).toList());

        // root in the cgroup may open /dev/null but not a block device the host lets root open
        assumeTrue(Files.exists(Path.of("/dev/loop0")));
        Process outside = processes.start("sh", "-c", "exec 3</dev/loop0");
        assertThat(RealProcesses.exitsWithin(outside, 10)).isTrue();
        assertThat(outside.exitValue()).isZero();
        Process allowed = processes.startFromThreadIn(cgroup, "sh", "-c", "exec 3</dev/null");
        assertThat(RealProcesses.exitsWithin(allowed, 10)).isTrue();
        assertThat(allowed.exitValue()).isZero();
        Process denied = processes.startFromThreadIn(cgroup, "sh", "-c", "exec 3</dev/loop0");
        assertThat(RealProcesses.exitsWithin(denied, 10)).isTrue();
        assertThat(denied.exitValue()).isNotZero();
    }

    @Test
    void whatV1CannotDo() {
        Cgroup cgroup = manager.forContainer(parent, "ctr");
        cgroup.create();
        assertThatThrownBy(() -> cgroup.apply(Resources.builder().unified(Map.of("memory.high", "1")).build()))
                .isInstanceOf(IllegalArgumentException.class);
        // no v1 hugetlb hierarchy (this host): hugepage limits are skipped, as containerd and CRI-O skip them
        if (!CgroupMounts.ofThisProcess().v1().containsKey("hugetlb")) {
            assertThatCode(() -> cgroup.apply(Resources.builder().hugepageLimits(Map.of("2MB", 0L)).build()))
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void processMembershipStatsKillAndDestroy() throws Exception {
        Cgroup cgroup = manager.forContainer(parent, "ctr");
        cgroup.create();
        cgroup.apply(Resources.builder().memoryLimit(64L << 20).pidsLimit(16).build());
        Process sleep = processes.start("sleep", "300");
        cgroup.addProcess(sleep.pid());

        String path = "/" + parent + "/ctr";
        assertThat(RealProcesses.cgroupsOf(sleep.pid())).contains(
                "4:memory:" + path, "8:pids:" + path, "1:cpu:" + path, "2:cpuacct:" + path, "3:cpuset:" + path,
                "6:freezer:" + path, "9:name=systemd:" + path);
        assertThat(cgroup.pids()).containsExactly(sleep.pid());
        assertThat(cgroup.stats().pidsCurrent()).isEqualTo(1);

        cgroup.killAll();
        assertThat(RealProcesses.exitsWithin(sleep, 10)).isTrue();
        assertThat(sleep.exitValue()).isEqualTo(137);
        assertThat(Files.readString(Path.of("/sys/fs/cgroup/freezer", parent, "ctr", "freezer.state")).strip())
                .isEqualTo("THAWED");

        cgroup.destroy();
        for (String hierarchy : new String[] {"cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio",
            "pids", "systemd"}) {
            assertThat(Path.of("/sys/fs/cgroup", hierarchy, parent, "ctr")).doesNotExist();
        }
        cgroup.destroy(); // again: already gone is fine
    }

    @Test
    void aThreadInTheCgroupSpawnsIntoIt() throws Exception {
        Cgroup cgroup = manager.forContainer(parent, "ctr");
        cgroup.create();
        Process sleep = processes.startFromThreadIn(cgroup, "sleep", "300");
        assertThat(RealProcesses.cgroupsOf(sleep.pid())).contains("4:memory:/" + parent + "/ctr");
        assertThat(cgroup.pids()).containsExactly(sleep.pid());
        // born in the cgroup, so its pages are charged here (v1 does not move charges with a process)
        CgroupStats stats = cgroup.stats();
        assertThat(stats.memoryUsageBytes()).isPositive();
        assertThat(stats.memoryWorkingSetBytes()).isBetween(0L, stats.memoryUsageBytes());
        assertThat(stats.pageFaults()).isPositive();
        assertThat(stats.cpuUsageNanos()).isPositive();
        assertThat(stats.pidsCurrent()).isEqualTo(1);
        cgroup.killAll();
        assertThat(RealProcesses.exitsWithin(sleep, 10)).isTrue();
    }

    @Test
    void destroyRightAfterKillWaitsForTheDyingProcessesAndAnEmptyCgroupIsNotFrozen() throws Exception {
        Cgroup cgroup = manager.forContainer(parent, "ctr");
        cgroup.create();
        cgroup.killAll(); // empty: nothing to freeze
        assertThat(read(Path.of("/sys/fs/cgroup/freezer", parent, "ctr"), "freezer.state")).isEqualTo("THAWED");
        Process sh = processes.startFromThreadIn(cgroup, "sh", "-c", "sleep 300 & sleep 300 & sleep 300 & wait");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (cgroup.pids().size() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(cgroup.pids()).hasSize(4);
        cgroup.killAll();
        // no wait for the exits: rmdir answers EBUSY until the kernel took them out, destroy waits on their pidfds
        cgroup.destroy();
        for (String hierarchy : new String[] {"memory", "freezer", "pids", "systemd"}) {
            assertThat(Path.of("/sys/fs/cgroup", hierarchy, parent, "ctr")).doesNotExist();
        }
        assertThat(RealProcesses.exitsWithin(sh, 10)).isTrue();
    }

    @Test
    void oomKillIsCounted() throws Exception {
        Cgroup cgroup = manager.forContainer(parent, "hog");
        cgroup.create();
        cgroup.apply(Resources.builder().memoryLimit(16L << 20).memorySwapLimit(16L << 20).build());
        // tail buffers /dev/zero looking for a newline that never comes
        Process hog = processes.startFromThreadIn(cgroup, "tail", "/dev/zero");
        assertThat(RealProcesses.exitsWithin(hog, 60)).isTrue();
        assertThat(hog.exitValue()).isEqualTo(137);
        assertThat(cgroup.oomKillCount()).isEqualTo(1);
        assertThat(cgroup.stats().oomKills()).isEqualTo(1);
    }

    @Test
    void systemdDriverLayout() throws Exception {
        CgroupManager systemd = new CgroupManager(manager.mode(), CgroupDriver.SYSTEMD,
                CgroupMounts.ofThisProcess().v1(), null);
        String slice = parent.replace("-", "_") + "-pod1.slice";
        Cgroup cgroup = systemd.forContainer(slice, "abc");
        try {
            cgroup.create();
            assertThat(cgroup.path()).isEqualTo(MEMORY.resolve(parent.replace("-", "_") + ".slice")
                    .resolve(slice).resolve("jcri-abc.scope"));
            assertThat(cgroup.path()).isDirectory();
        } finally {
            systemd.forParent(parent.replace("-", "_") + ".slice").destroy();
        }
        assertThat(cgroup.path()).doesNotExist();
    }
}
