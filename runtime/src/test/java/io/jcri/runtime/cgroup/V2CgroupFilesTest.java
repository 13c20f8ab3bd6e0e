package io.jcri.runtime.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cgroup v2 file names and formats over a fake cgroupfs (the unified mount here has no controllers). */
class V2CgroupFilesTest {
    private static final String ALL = "cpuset cpu io memory hugetlb pids";

    @TempDir
    Path root;

    private Path leaf;
    private Cgroup cgroup;

    @BeforeEach
    void tree() throws Exception {
        FakeCgroupfs.cgroup(root, ALL);
        FakeCgroupfs.cgroup(root.resolve("kubepods"), ALL);
        Files.writeString(root.resolve("kubepods/cgroup.subtree_control"), "cpu memory");
        FakeCgroupfs.cgroup(root.resolve("kubepods/pod1"), ALL);
        leaf = root.resolve("kubepods/pod1/ctr1");
        FakeCgroupfs.cgroup(leaf, "");
        CgroupManager manager = new CgroupManager(CgroupMode.V2, CgroupDriver.CGROUPFS, Map.of(), root);
        cgroup = manager.forContainer("/kubepods/pod1", "ctr1");
    }

    private String read(String file) throws Exception {
        return Files.readString(leaf.resolve(file));
    }

    @Test
    void createDelegatesControllersFromTheRootDown() throws Exception {
        cgroup.create();
        assertThat(cgroup.path()).isEqualTo(leaf);
        assertThat(Files.readString(root.resolve("cgroup.subtree_control")))
                .isEqualTo("+cpuset +cpu +io +memory +hugetlb +pids");
        assertThat(Files.readString(root.resolve("kubepods/cgroup.subtree_control")))
                .isEqualTo("+cpuset +io +hugetlb +pids");
        assertThat(Files.readString(root.resolve("kubepods/pod1/cgroup.subtree_control")))
                .isEqualTo("+cpuset +cpu +io +memory +hugetlb +pids");
    }

    @Test
    void writesKernelFormats() throws Exception {
        cgroup.apply(Resources.builder().cpuShares(1024).cpuQuota(50_000, 100_000).cpuset("0-1", "0")
                .memoryLimit(256L << 20).memorySwapLimit(384L << 20).pidsLimit(100)
                .hugepageLimits(Map.of("2MB", 4L << 20)).build());
        assertThat(read("cpu.weight")).isEqualTo("39");
        assertThat(read("cpu.max")).isEqualTo("50000 100000");
        assertThat(read("cpuset.cpus")).isEqualTo("0-1");
        assertThat(read("cpuset.mems")).isEqualTo("0");
        assertThat(read("memory.max")).isEqualTo(Long.toString(256L << 20));
        assertThat(read("memory.swap.max")).isEqualTo(Long.toString(128L << 20));
        assertThat(read("pids.max")).isEqualTo("100");
        assertThat(read("hugetlb.2MB.max")).isEqualTo("4194304");
    }

    @Test
    void unlimitedValues() throws Exception {
        cgroup.apply(Resources.builder().cpuQuota(-1, 100_000).memoryLimit(-1).memorySwapLimit(-1).pidsLimit(-1)
                .build());
        assertThat(read("cpu.max")).isEqualTo("max 100000");
        assertThat(read("memory.max")).isEqualTo("max");
        assertThat(read("memory.swap.max")).isEqualTo("max");
        assertThat(read("pids.max")).isEqualTo("max");
        cgroup.apply(Resources.builder().memoryLimit(64L << 20).memorySwapLimit(64L << 20).build());
        assertThat(read("memory.swap.max")).as("swap limit == memory limit: no swap").isEqualTo("0");
    }

    @Test
    void unsetFieldsAreNotWritten() throws Exception {
        Files.writeString(leaf.resolve("memory.max"), "untouched");
        cgroup.apply(Resources.builder().cpuShares(2).build());
        assertThat(read("cpu.weight")).isEqualTo("1");
        assertThat(read("memory.max")).isEqualTo("untouched");
        assertThat(read("cpu.max")).isEmpty();
    }

    @Test
    void unifiedFilesAreWrittenLastAndVerbatim() throws Exception {
        cgroup.apply(Resources.builder().memoryLimit(1 << 20).unified(Map.of("memory.max", "2097152",
                "io.max", "8:0 rbps=1048576")).build());
        assertThat(read("memory.max")).isEqualTo("2097152");
        assertThat(read("io.max")).isEqualTo("8:0 rbps=1048576");
    }

    @Test
    void cpuWeightMatchesKubelet() {
        assertThat(V2ResourceFiles.cpuWeight(2)).isEqualTo(1);
        assertThat(V2ResourceFiles.cpuWeight(1024)).isEqualTo(39);
        assertThat(V2ResourceFiles.cpuWeight(262144)).isEqualTo(10000);
        assertThat(V2ResourceFiles.cpuWeight(102)).isEqualTo(4);
    }

    @Test
    void swapNeedsAFiniteMemoryLimitAtOrBelowIt() {
        assertThatThrownBy(() -> V2ResourceFiles.swapMax(-1, 1 << 20)).hasMessageContaining("finite");
        assertThatThrownBy(() -> V2ResourceFiles.swapMax(2 << 20, 1 << 20)).hasMessageContaining("below");
    }

    @Test
    void missingControllerFilesAreNamedInTheError() throws Exception {
        Files.delete(leaf.resolve("pids.max"));
        assertThatThrownBy(() -> cgroup.apply(Resources.builder().pidsLimit(5).build()))
                .isInstanceOf(CgroupException.class).hasMessageContaining(leaf.resolve("pids.max").toString());
    }

    @Test
    void parsesStats() throws Exception {
        Files.writeString(leaf.resolve("cpu.stat"), """
                usage_usec 1500
                user_usec 1000
                system_usec 500
                nr_periods 0
                nr_throttled 0
                throttled_usec 0
                """);
        Files.writeString(leaf.resolve("memory.current"), "10485760\n");
        Files.writeString(leaf.resolve("memory.stat"), """
                anon 4194304
                file 6291456
                kernel 0
                active_file 2097152
                inactive_file 4194304
                pgfault 1234
                pgmajfault 5
                """);
        Files.writeString(leaf.resolve("memory.events"), """
                low 0
                high 0
                max 17
                oom 2
                oom_kill 1
                oom_group_kill 0
                """);
        Files.writeString(leaf.resolve("pids.current"), "3\n");
        assertThat(cgroup.stats()).isEqualTo(new CgroupStats(1_500_000, 1_000_000, 500_000, 10485760,
                10485760 - 4194304, 4194304, 1234, 5, 3, 2, 1));
        assertThat(cgroup.oomKillCount()).isEqualTo(1);
    }

    @Test
    void statsOfACgroupWithoutControllersAreZero() throws Exception {
        for (String file : new String[] {"memory.stat", "memory.current", "memory.events", "pids.current"}) {
            Files.delete(leaf.resolve(file));
        }
        assertThat(cgroup.stats().memoryUsageBytes()).isZero();
        assertThat(cgroup.oomKillCount()).isZero();
    }

    @Test
    void processesThreadsAndKill() throws Exception {
        cgroup.addProcess(4242);
        assertThat(read("cgroup.procs")).isEqualTo("4242");
        Files.writeString(leaf.resolve("cgroup.procs"), "12\n34\n");
        assertThat(cgroup.pids()).containsExactly(12L, 34L);
        assertThatThrownBy(() -> cgroup.addCurrentThread()).isInstanceOf(UnsupportedOperationException.class);
        cgroup.killAll();
        assertThat(read("cgroup.kill")).isEqualTo("1");
        assertThatThrownBy(() -> cgroup.restrictDevices(DeviceRule.DEFAULT_ALLOWED))
                .as("a plain directory takes no BPF program").isInstanceOf(CgroupException.class)
                .hasMessageContaining("BPF_PROG_ATTACH");
    }
}
