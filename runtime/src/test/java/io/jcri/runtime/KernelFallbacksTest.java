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
 * Mounts that need a kernel feature without another way to provide it are refused on a kernel that lacks it,
 * before anything is made (forced here: this kernel and the VM tier's have both). /proc's, the pod PID
 * namespace's and overlay's fallbacks run for real in the launch tests.
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
}
