package io.jcri.runtime.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CgroupMountsTest {
    private static final List<String> HYBRID = List.of(
            "22 1 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw",
            "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
            "31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
            "32 30 0:29 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct",
            "34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
            "39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd",
            "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw");

    @Test
    void hybrid() {
        CgroupMounts mounts = CgroupMounts.parse(HYBRID);
        assertThat(mounts.mode()).isEqualTo(CgroupMode.HYBRID);
        assertThat(mounts.v1()).containsEntry("cpu", Path.of("/sys/fs/cgroup/cpu"))
                .containsEntry("memory", Path.of("/sys/fs/cgroup/memory"))
                .containsEntry("name=systemd", Path.of("/sys/fs/cgroup/systemd"))
                .doesNotContainKeys("rw", "xattr");
        assertThat(mounts.unified()).isEqualTo(Path.of("/sys/fs/cgroup/unified"));
    }

    @Test
    void sharedV1MountAndPureV2() {
        CgroupMounts v1 = CgroupMounts.parse(List.of(
                "31 30 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:9 - cgroup cgroup rw,cpu,cpuacct",
                "33 30 0:30 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids"));
        assertThat(v1.mode()).isEqualTo(CgroupMode.V1);
        assertThat(v1.v1().get("cpu")).isEqualTo(v1.v1().get("cpuacct"));

        CgroupMounts v2 = CgroupMounts.parse(List.of(
                "29 22 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 "
                        + "rw,nsdelegate,memory_recursiveprot"));
        assertThat(v2.mode()).isEqualTo(CgroupMode.V2);
        assertThat(v2.unified()).isEqualTo(Path.of("/sys/fs/cgroup"));
    }

    @Test
    void thisMachine() throws Exception {
        List<String> mountinfo = Files.readAllLines(Path.of("/proc/self/mountinfo"));
        boolean v1 = mountinfo.stream().anyMatch(l -> l.contains(" - cgroup cgroup ") && l.contains("memory"));
        boolean v2 = mountinfo.stream().anyMatch(l -> l.contains(" - cgroup2 "));
        assumeTrue(v1 && v2, "this machine is not cgroup v1 hybrid");
        assertThat(CgroupManager.detect(CgroupDriver.CGROUPFS).mode()).isEqualTo(CgroupMode.HYBRID);
    }
}
