package io.jcri.runtime;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** /proc mounted from inside the new PID namespace by the jcri-init helper (kernels before procfs "pidns"). */
class FallbackProcLaunchTest extends ContainerLaunchTestBase {
    @Override
    boolean forceFallback() {
        return true;
    }

    @Test
    void usesHelper() {
        assertThat(f.runtime.usesProcPidns()).isFalse();
    }
}
