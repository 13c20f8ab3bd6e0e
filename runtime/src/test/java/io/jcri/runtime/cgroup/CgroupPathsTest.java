package io.jcri.runtime.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CgroupPathsTest {
    @Test
    void systemdSlicesExpandToTheirNesting() {
        assertThat(CgroupPaths.expandSlice("kubepods-burstable-pod1234.slice"))
                .isEqualTo("kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234.slice");
        assertThat(CgroupPaths.expandSlice("kubepods.slice")).isEqualTo("kubepods.slice");
        assertThat(CgroupPaths.expandSlice("-.slice")).isEmpty();
        assertThat(CgroupPaths.containerPath(CgroupDriver.SYSTEMD, "jcri", "kubepods-besteffort-podab_cd.slice",
                "0123abcd")).isEqualTo(
                "kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-podab_cd.slice/jcri-0123abcd.scope");
        assertThat(CgroupPaths.containerPath(CgroupDriver.SYSTEMD, "jcri", "kubepods.slice", "x.scope"))
                .isEqualTo("kubepods.slice/x.scope");
    }

    @Test
    void invalidSlices() {
        assertThatThrownBy(() -> CgroupPaths.expandSlice("kubepods")).hasMessageContaining(".slice");
        assertThatThrownBy(() -> CgroupPaths.expandSlice("a--b.slice")).hasMessageContaining("invalid");
        assertThatThrownBy(() -> CgroupPaths.expandSlice("-a.slice")).hasMessageContaining("invalid");
    }

    @Test
    void cgroupfsPathsAreUsedAsTheyAre() {
        assertThat(CgroupPaths.containerPath(CgroupDriver.CGROUPFS, "jcri", "/kubepods/burstable/pod1", "c1"))
                .isEqualTo("kubepods/burstable/pod1/c1");
        assertThat(CgroupPaths.containerPath(CgroupDriver.CGROUPFS, "jcri", "", "c1")).isEqualTo("c1");
        assertThat(CgroupPaths.containerPath(CgroupDriver.CGROUPFS, "jcri", null, "c1")).isEqualTo("c1");
    }

    @Test
    void noEscapingTheHierarchy() {
        assertThatThrownBy(() -> CgroupPaths.containerPath(CgroupDriver.CGROUPFS, "jcri", "/kubepods/../..", "c"))
                .hasMessageContaining("..");
        assertThatThrownBy(() -> CgroupPaths.containerPath(CgroupDriver.CGROUPFS, "jcri", "/kubepods", "../c"))
                .hasMessageContaining("invalid cgroup name");
        assertThatThrownBy(() -> CgroupPaths.containerPath(CgroupDriver.CGROUPFS, "jcri", "/kubepods", ".."))
                .hasMessageContaining("invalid cgroup name");
    }
}
