package io.jcri.runtime;

import io.jcri.runtime.kernel.KernelFeature;
import io.jcri.runtime.kernel.KernelFeatures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.NoSuchElementException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Fallbacks forced on a kernel that has the features (this one and the VM tier's have these): cgroup v2 without
 * cgroup.kill freezes, kills and thaws; mounts that need a feature without another way to provide it are refused
 * before anything is made. /proc's, the pod PID namespace's and overlay's fallbacks run for real in the launch
 * tests on the VM tier's kernels.
 */
class KernelFallbacksTest {
    @TempDir
    Path tmp;

    @Test
    void withoutMountSetattrRecursiveReadOnlyIsRefusedAndNothingIsMade() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        try (RuntimeFixture f = new RuntimeFixture(tmp, KernelFeatures.probe().without(KernelFeature.MOUNT_SETATTR))) {
            String id = f.newId();
            assertThatThrownBy(() -> f.runtime.create(f.spec(id, "true").withMounts(List.of(
                    new MountSpec("/data", src, true, MountSpec.Propagation.PRIVATE, true)))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("mount /data asks for recursive_read_only, which needs mount_setattr");
            assertThatThrownBy(() -> f.runtime.state(id)).isInstanceOf(NoSuchElementException.class);
            assertThat(f.root.resolve("containers").resolve(id)).doesNotExist();
        }
    }

    @Test
    void withoutOpenTreeBidirectionalPropagationIsRefused() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        try (RuntimeFixture f = new RuntimeFixture(tmp, KernelFeatures.probe().without(KernelFeature.OPEN_TREE))) {
            String id = f.newId();
            assertThatThrownBy(() -> f.runtime.create(f.spec(id, "true").withMounts(List.of(
                    new MountSpec("/shared", src, false, MountSpec.Propagation.BIDIRECTIONAL)))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("mount /shared asks for bidirectional propagation, which needs open_tree");
            assertThat(f.root.resolve("containers").resolve(id)).doesNotExist();
        }
    }

    /** Stop's SIGKILL of the whole cgroup (a background process in the node's PID namespace) without cgroup.kill. */
    @Test
    void withoutCgroupKillStopFreezesTheCgroupKillsEveryProcessAndThaws() throws Exception {
        try (RuntimeFixture f = new RuntimeFixture(tmp, io.jcri.runtime.cgroup.CgroupMode.V2,
                KernelFeatures.probe().without(KernelFeature.CGROUP_KILL))) {
            String id = f.newId();
            Path out = tmp.resolve(id + ".out");
            ContainerSpec spec = f.spec(id, "sh", "-c", "trap '' TERM; sleep 1000 & echo bg=$!; echo ready; wait");
            ContainerState s = f.run(spec.withProcess(spec.process().withStdio(out, out))
                    .inPod(null, new NamespaceSpec(NamespaceMode.CONTAINER, NamespaceMode.NODE,
                            NamespaceMode.CONTAINER, null)));
            String text = Host.waitForFile(out, "ready", java.time.Duration.ofSeconds(10));
            long bg = Long.parseLong(text.lines().filter(l -> l.startsWith("bg=")).findFirst().orElseThrow()
                    .substring(3));
            Path cg = f.runtime.cgroupPath(id);
            assertThat(Host.read(cg.resolve("cgroup.procs")).lines().map(Long::parseLong).toList())
                    .containsExactlyInAnyOrder(s.pid(), bg);
            ContainerState st = f.runtime.stop(id, java.time.Duration.ofMillis(300), 15);
            assertThat(st.exitCode()).isEqualTo(137);
            assertThat(Host.eventually(java.time.Duration.ofSeconds(10),
                    () -> Host.read(cg.resolve("cgroup.events")).contains("populated 0"))).isTrue();
            assertThat(Host.read(cg.resolve("cgroup.freeze")).strip()).as("thawed again").isEqualTo("0");
            f.runtime.delete(id);
            assertThat(cg).doesNotExist();
        }
    }
}
