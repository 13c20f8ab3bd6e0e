package io.jcri.runtime.kernel;

/**
 * A kernel feature jcri uses where the kernel has it, with the release that brought it and what jcri does
 * without it. Each is probed once at start-up ({@link KernelFeatureProbe}); none is required on the oldest kernel
 * jcri claims (6.1, the one the VM tier runs), where those newer than it take their fallback.
 */
public enum KernelFeature {
    /** pidfd_open(tid, PIDFD_THREAD). */
    PIDFD_THREAD("pidfdThread", "6.9", "a shared-PID pod's namespace is pinned once its init runs"),
    /** ioctl(pidfd, PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE): a PID namespace before it has an init. */
    PIDFD_NAMESPACE("pidfdNamespaceIoctls", "6.11", "as pidfdThread"),
    /** overlayfs "lowerdir+" through fsconfig: any number of layers, each its own parameter. */
    OVERLAY_LOWERDIR_PLUS("overlayLowerdirPlus", "6.8",
            "layers beyond one mount(2) page go as paths relative to their common parent, or as short links"),
    /** procfs "pidns" mount parameter: /proc of a new PID namespace mounted from outside it. */
    PROC_PIDNS("procPidns", "6.15", "the jcri-init helper mounts /proc from inside the namespace"),
    /** PIDFD_GET_INFO with PIDFD_INFO_EXIT: the exit status of a process a restarted daemon did not reap. */
    PIDFD_INFO_EXIT("pidfdInfoExit", "6.13", "the subreaper's exit log, or the zombie's status"),
    /** cgroup.kill in cgroup2. */
    CGROUP_KILL("cgroupKill", "5.14", "freeze the cgroup, SIGKILL each process, thaw"),
    /** mount_setattr(2) with AT_RECURSIVE. */
    MOUNT_SETATTR("mountSetattr", "5.12", "recursive read-only mounts are refused and not offered in Status"),
    /** fsopen/fsconfig/fsmount/move_mount. */
    FSCONFIG("fsconfig", "5.2", "mount(2) for overlay and /proc"),
    /** open_tree(OPEN_TREE_CLONE). */
    OPEN_TREE("openTree", "5.2", "bidirectional mount propagation is refused"),
    /** clone3 with CLONE_INTO_CGROUP. */
    CLONE_INTO_CGROUP("clone3IntoCgroup", "5.7", "not used yet: cgroup v2 launches go through the gate (glibc 2.36)");

    private final String key;
    private final String since;
    private final String fallback;

    KernelFeature(String key, String since, String fallback) {
        this.key = key;
        this.since = since;
        this.fallback = fallback;
    }

    /** The name in the start-up log line and in the verbose Status ({@code kernelFeatures}). */
    public String key() {
        return key;
    }

    /** The first Linux release with the feature. */
    public String since() {
        return since;
    }

    /** What jcri does where the kernel lacks it. */
    public String fallback() {
        return fallback;
    }
}
