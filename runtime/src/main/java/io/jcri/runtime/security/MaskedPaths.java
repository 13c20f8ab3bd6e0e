package io.jcri.runtime.security;

import java.util.List;

/** containerd's default masked and read-only paths. Privileged containers get neither. */
public final class MaskedPaths {
    /** Over-mounted (a file with /dev/null, a directory with an empty read-only tmpfs). */
    public static final List<String> MASKED = List.of(
            "/proc/acpi",
            "/proc/asound",
            "/proc/kcore",
            "/proc/keys",
            "/proc/latency_stats",
            "/proc/timer_list",
            "/proc/timer_stats",
            "/proc/sched_debug",
            "/sys/firmware",
            "/sys/devices/virtual/powercap",
            "/proc/scsi");

    /** Bind-mounted onto themselves read-only. */
    public static final List<String> READONLY = List.of(
            "/proc/bus",
            "/proc/fs",
            "/proc/irq",
            "/proc/sys",
            "/proc/sysrq-trigger");

    private MaskedPaths() {
    }

    public static List<String> masked(boolean privileged) {
        return privileged ? List.of() : MASKED;
    }

    public static List<String> readonly(boolean privileged) {
        return privileged ? List.of() : READONLY;
    }
}
