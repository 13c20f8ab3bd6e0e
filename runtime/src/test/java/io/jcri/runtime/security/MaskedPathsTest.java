package io.jcri.runtime.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MaskedPathsTest {
    @Test
    void containerdDefaultsAndNoneWhenPrivileged() {
        assertThat(MaskedPaths.masked(false)).hasSize(11).contains("/proc/kcore", "/proc/keys", "/sys/firmware",
                "/proc/scsi", "/sys/devices/virtual/powercap");
        assertThat(MaskedPaths.readonly(false)).containsExactly("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                "/proc/sysrq-trigger");
        assertThat(MaskedPaths.masked(true)).isEmpty();
        assertThat(MaskedPaths.readonly(true)).isEmpty();
    }
}
