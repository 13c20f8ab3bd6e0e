package io.jcri.runtime;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * /proc mounted by the launch thread through fsconfig "pidns" where the kernel has it (6.15+, and the pidfd
 * ioctls of 6.11): this host. On older kernels (the VM tier's 6.1 and 6.12) the runtime takes the helper instead,
 * and these tests then check that path without having asked for it.
 */
class PrimaryProcLaunchTest extends ContainerLaunchTestBase {
    @Override
    boolean forceFallback() {
        return false;
    }

    @Test
    void usesPidnsMount() {
        String release = Host.read(java.nio.file.Path.of("/proc/sys/kernel/osrelease")).strip();
        assertThat(f.runtime.usesProcPidns()).as("kernel " + release)
                .isEqualTo(io.jcri.runtime.kernel.KernelFeaturesTestAccess.atLeast(release, "6.15"));
    }
}
