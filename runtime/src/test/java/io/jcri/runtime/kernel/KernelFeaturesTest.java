package io.jcri.runtime.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The probe against the kernel it runs on: each feature is found exactly where the release is at least the one
 * that brought it (Debian's kernels backport none of these), so the same test passes on this 6.18 host (all of
 * them) and in the VM tier's 6.1 and 6.12 (the newer ones missing).
 */
class KernelFeaturesTest {
    static int[] version(String release) {
        String[] parts = release.split("[.-]");
        return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
    }

    static boolean atLeast(String release, String since) {
        int[] have = version(release), need = version(since + ".0");
        return have[0] != need[0] ? have[0] > need[0] : have[1] >= need[1];
    }

    @Test
    void eachFeatureIsFoundWhereTheReleaseHasIt() throws Exception {
        KernelFeatures kernel = KernelFeatures.probe();
        String release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        assertThat(kernel.release()).isEqualTo(release);
        for (KernelFeature f : KernelFeature.values()) {
            assertThat(kernel.has(f)).as(f.key() + " (since " + f.since() + ") on " + release)
                    .isEqualTo(atLeast(release, f.since()));
        }
        assertThat(KernelFeatures.probe()).as("probed once").isSameAs(kernel);
    }

    @Test
    void theLogLineAndTheStatusMapNameEveryFeature() {
        KernelFeatures kernel = KernelFeatures.probe();
        assertThat(kernel.asMap()).hasSize(KernelFeature.values().length).containsEntry("cgroupKill", true);
        KernelFeatures old = kernel.without(KernelFeature.PROC_PIDNS, KernelFeature.PIDFD_THREAD);
        assertThat(old.has(KernelFeature.PROC_PIDNS)).isFalse();
        assertThat(old.pidNamespaceBeforeInit()).isFalse();
        assertThat(old.procPidnsMount()).isFalse();
        assertThat(old.asMap()).containsEntry("procPidns", false).containsEntry("pidfdThread", false);
        assertThat(old.summary()).startsWith("kernel " + kernel.release() + ": 10 features probed, present [")
                .contains("missing: pidfdThread (6.9+; instead: ")
                .contains("procPidns (6.15+; instead: the jcri-init helper mounts /proc from inside the namespace)");
        assertThat(old.summary().lines()).hasSize(1);
    }
}
