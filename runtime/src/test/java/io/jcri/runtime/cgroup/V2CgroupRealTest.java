package io.jcri.runtime.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Against the real cgroup2 mount, found in mountinfo: a hybrid host's (this machine: no domain controllers, only
 * hugetlb, which has no v1 hierarchy here) or a pure-v2 host's (the VM tier: every controller). Creation,
 * delegation, membership, cgroup.kill, the freezer, the device filter and removal are real on both; the limits
 * each controller takes are checked where the hierarchy offers it ({@code CgroupV2LaunchTest} on pure v2), their
 * formats in {@link V2CgroupFilesTest}.
 */
class V2CgroupRealTest {
    private Path unified;
    private CgroupManager manager;
    private String parent;
    private RealProcesses processes;

    @BeforeEach
    void setUp() throws Exception {
        unified = CgroupHost.unified();
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
        assertThatThrownBy(() -> cgroup.addCurrentThread())
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

    /**
     * A limit whose controller this cgroup lacks fails before anything is written, naming the file. A hybrid
     * host's cgroup2 mount does not offer memory at all; a pure-v2 host offers it, but a parent that holds a
     * process of its own cannot delegate a domain controller (the kernel's no-internal-process rule: EBUSY).
     */
    @Test
    void missingControllerIsNamedAndNothingIsWritten() throws Exception {
        Path parentDir = Files.createDirectory(unified.resolve(parent));
        Process inParent = processes.start("sleep", "300");
        Files.writeString(parentDir.resolve("cgroup.procs"), Long.toString(inParent.pid()));
        Cgroup cgroup = manager.forContainer(parent, "ctr");
        cgroup.create();
        Path dir = unified.resolve(parent).resolve("ctr");
        assertThat(dir.resolve("memory.max")).doesNotExist();
        var refusal = assertThatThrownBy(() -> cgroup.apply(Resources.builder().memoryLimit(64L << 20).build()))
                .isInstanceOf(CgroupException.class)
                .hasMessageContaining("cgroup v2 controller \"memory\" (for " + dir.resolve("memory.max")
                        + ") is not enabled for " + dir);
        if (CgroupHost.unifiedControllers().contains("memory")) {
            refusal.hasMessageContaining("offers memory but could not delegate it");
        } else {
            refusal.hasMessageContaining("offers only [");
        }
        assertThat(cgroup.stats().pidsCurrent()).isZero();
        cgroup.killAll(); // an empty cgroup: nothing to do
        cgroup.destroy();
        cgroup.killAll(); // a removed one: nothing either
        assertThat(inParent.isAlive()).isTrue();
        processes.close(); // the parent's own process, before tearDown removes the parent
    }

    @Test
    void deviceFilterProgramIsEnforcedByTheKernel() throws Exception {
        String block = aBlockDevice(); // /dev/loop0 here, /dev/vda in the VM: not in the default rules
        Cgroup cgroup = manager.forContainer(parent, "ctr");
        cgroup.create();
        assertThat(cgroup.restrictDevices(DeviceRule.DEFAULT_ALLOWED)).isTrue();
        Process nullDevice = processes.start("sh", "-c", "read go; exec 3</dev/null 4>/dev/full");
        Process blockDevice = processes.start("sh", "-c", "read go; exec 3<" + block + "");
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
        assertThat(blockDevice.exitValue()).as(block + " is not").isNotZero();
        assertThat(mknod.exitValue()).as("mknod of anything is (b *:* m)").isZero();
        // privileged containers: the allow-all program loads (the verifier accepts it) and allows everything
        Cgroup privileged = manager.forContainer(parent, "privileged");
        privileged.create();
        assertThat(privileged.restrictDevices(DeviceRule.ALLOW_ALL)).isTrue();
        Process anyDevice = processes.start("sh", "-c", "read go; exec 3<" + block + "");
        privileged.addProcess(anyDevice.pid());
        anyDevice.getOutputStream().write("go\n".getBytes());
        anyDevice.getOutputStream().flush();
        assertThat(RealProcesses.exitsWithin(anyDevice, 10)).isTrue();
        assertThat(anyDevice.exitValue()).as(block + " under allow-all").isZero();
        // the same open outside the cgroup works
        Process outside = processes.start("sh", "-c", "exec 3<" + block + "");
        assertThat(RealProcesses.exitsWithin(outside, 10)).isTrue();
        assertThat(outside.exitValue()).isZero();
    }

    @Test
    void hugetlbLimitAndMemoryAsTheHierarchyOffersIt() throws Exception {
        List<String> controllers = List.of(Files.readString(unified.resolve("cgroup.controllers")).strip()
                .split("\\s+"));
        // hybrid here (no v1 hugetlb hierarchy) and pure v2 alike: the cgroup2 hierarchy has hugetlb
        assertThat(controllers).contains("hugetlb");
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

    /** A block device node of this host (the first in /dev), which root can open outside a device cgroup. */
    private static String aBlockDevice() throws Exception {
        try (var entries = Files.list(Path.of("/dev"))) {
            return entries.sorted().filter(p -> {
                try {
                    return ((Integer) Files.getAttribute(p, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS)
                            & 0170000) == 0060000;
                } catch (Exception e) {
                    return false;
                }
            }).map(Path::toString).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no block device in /dev to probe with"));
        }
    }
}
