package io.jcri.runtime.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hugepage limits where the hierarchy has no hugetlb controller (containerd skips them; runc fails the rest). */
class HugetlbAbsenceTest {
    @TempDir
    Path tmp;

    private static final Resources KUBELET = Resources.builder().hugepageLimits(Map.of("2MB", 0L, "1GB", 0L)).build();

    @Test
    void v1WithoutHugetlbSkipsHugepageLimitsButNotOthers() throws Exception {
        Path memory = Files.createDirectories(tmp.resolve("memory/pod/ctr"));
        V1Cgroup cgroup = new V1Cgroup(Map.of("memory", tmp.resolve("memory")), "pod/ctr");
        cgroup.apply(KUBELET); // before: "cgroup v1 controller hugetlb is not mounted on this host"
        try (var files = Files.list(memory)) {
            assertThat(files).isEmpty();
        }
        assertThatThrownBy(() -> cgroup.apply(Resources.builder().pidsLimit(10).build()))
                .isInstanceOf(CgroupException.class).hasMessageContaining("pids is not mounted");
    }

    @Test
    void presentControllerKeepsTheLimits() {
        assertThat(HugetlbAbsence.skipIfAbsent(KUBELET, true, "x").hugepageLimits()).hasSize(2);
        assertThat(HugetlbAbsence.skipIfAbsent(KUBELET, false, "x").hugepageLimits()).isEmpty();
    }

    @Test
    void aPageSizeIsAKernelPageSizeName() {
        assertThatThrownBy(() -> Resources.builder().hugepageLimits(Map.of("../../x", 0L)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("../../x");
        assertThat(Resources.builder().hugepageLimits(Map.of("64KB", 1L, "2MB", 2L, "16GB", 3L)).build()
                .hugepageLimits()).hasSize(3);
    }
}
