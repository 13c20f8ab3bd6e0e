package io.jcri.runtime;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** /proc mounted by the launch thread through fsconfig "pidns" (this kernel supports it). */
class PrimaryProcLaunchTest extends ContainerLaunchTestBase {
    @Override
    boolean forceFallback() {
        return false;
    }

    @Test
    void usesPidnsMount() {
        assertThat(f.runtime.usesProcPidns()).isTrue();
    }
}
