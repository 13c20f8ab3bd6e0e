package io.jcri.runtime;

import io.jcri.runtime.launch.LaunchSecurity;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Turns a {@link SecuritySpec} into kernel values for a launch.
 *
 * <p>TEMPORARY: numeric users and capability names only, and no seccomp compiler, until
 * {@code io.jcri.runtime.security} (CapabilitySet, UserResolver, SeccompProfile, OomScoreAdj) lands on main;
 * then this class delegates to it.
 */
final class SecurityResolution {
    private static final List<String> CAPS = List.of("CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID",
            "KILL", "SETGID", "SETUID", "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST",
            "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE",
            "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
            "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM",
            "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE");
    /** containerd's default capability set. */
    static final long DEFAULT_CAPS = mask(List.of("CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW",
            "SETGID", "SETUID", "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE"));

    private SecurityResolution() {}

    static LaunchSecurity resolve(SecuritySpec s, List<Path> layers) {
        long caps = s.privileged() ? LaunchSecurity.ALL_CAPS : DEFAULT_CAPS;
        if (!s.privileged()) {
            for (String a : s.capAdd()) caps = a.equalsIgnoreCase("ALL") ? LaunchSecurity.ALL_CAPS : caps | mask(List.of(a));
            for (String d : s.capDrop()) caps = d.equalsIgnoreCase("ALL") ? 0 : caps & ~mask(List.of(d));
        }
        if (s.runAsUsername() != null && s.runAsUser() == null)
            throw new UnsupportedOperationException("user names need the security package's UserResolver");
        long uid = s.runAsUser() == null ? 0 : s.runAsUser();
        long gid = s.runAsGroup() == null ? uid == 0 ? 0 : uid : s.runAsGroup();
        long[] groups = s.supplementalGroups().stream().mapToLong(Long::longValue).toArray();
        byte[] filter = switch (s.seccomp().type()) {
            case UNCONFINED -> null;
            case RUNTIME_DEFAULT, LOCALHOST ->
                    throw new UnsupportedOperationException("seccomp needs the security package's SeccompProfile");
        };
        int oom = Math.max(s.oomScoreAdj(), ownOomScoreAdj());
        // execve recomputes the sets: a non-root user ends with none (no ambient caps in CRI), root with `caps`
        return new LaunchSecurity(uid, gid, groups, caps, caps, caps, 0, 0, s.noNewPrivs(), filter,
                List.of(), oom);
    }

    /** Without CAP_SYS_RESOURCE the daemon cannot go below its own oom_score_adj: clamp instead of failing. */
    private static int ownOomScoreAdj() {
        try {
            return Integer.parseInt(java.nio.file.Files.readString(Path.of("/proc/self/oom_score_adj")).trim());
        } catch (Exception e) {
            return 0;
        }
    }

    static long mask(List<String> names) {
        long m = 0;
        for (String n : names) {
            String k = n.toUpperCase(Locale.ROOT);
            if (k.startsWith("CAP_")) k = k.substring(4);
            int i = CAPS.indexOf(k);
            if (i < 0) throw new IllegalArgumentException("unknown capability " + n);
            m |= 1L << i;
        }
        return m;
    }
}
