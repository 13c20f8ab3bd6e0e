package io.jcri.runtime.launch;

import java.util.List;

/**
 * Security settings resolved to kernel values, ready to be applied on a launch thread.
 *
 * @param seccompFilter BPF program (8-byte sock_filter entries), or null for unconfined
 * @param seccompFlags  SECCOMP_FILTER_FLAG_* for the seccomp(2) call (never TSYNC)
 * @param rlimits       {resource, soft, hard} triples
 */
public record LaunchSecurity(long uid, long gid, long[] groups, long effective, long permitted, long bounding,
                             long inheritable, long ambient, boolean noNewPrivs, byte[] seccompFilter,
                             int seccompFlags, List<long[]> rlimits, int oomScoreAdj) {
    public static final long ALL_CAPS = (1L << 41) - 1;

    /** Root with every capability, no filter: what a privileged container gets. */
    public static LaunchSecurity privilegedRoot() {
        return new LaunchSecurity(0, 0, new long[0], ALL_CAPS, ALL_CAPS, ALL_CAPS, ALL_CAPS, 0, false, null, 0,
                List.of(), 0);
    }
}
