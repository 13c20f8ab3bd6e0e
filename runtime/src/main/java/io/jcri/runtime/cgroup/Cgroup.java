package io.jcri.runtime.cgroup;

import java.nio.file.Path;
import java.util.List;

/** One container's (or pod's) cgroup, in every hierarchy the host has. */
public interface Cgroup {
    /** Creates the directories (and on v1 seeds cpuset.cpus/mems from the parent; on v2 enables controllers). */
    void create();

    /** Writes the limits that are set; also the live update of a running container. */
    void apply(Resources resources);

    /**
     * Moves the calling thread alone (v1: writes "0" into each hierarchy's {@code tasks}), so that what it spawns
     * starts in this cgroup. "0" rather than the thread's id: since Linux 6.0 the kernel then moves the caller
     * without taking the global cgroup_threadgroup_rwsem for write (cgroup_procs_write_start), which after an idle
     * moment costs an RCU grace period (measured on 6.18: writing the tid into 9 hierarchies 10 ms median, "0"
     * 0.16 ms).
     *
     * @throws UnsupportedOperationException on v2, where a thread cannot join a domain cgroup
     */
    void addCurrentThread();

    /**
     * Denies every device except {@code allowed}: v1 writes devices.deny/devices.allow; v2 attaches an eBPF
     * program (BPF_CGROUP_DEVICE), which needs bpf(2) and the cgroup2 mount to be real. Call once, after
     * {@link #create()}. Returns whether the restriction is in force.
     */
    boolean restrictDevices(List<DeviceRule> allowed);

    void addProcess(long pid);

    /** Processes (thread group ids) in this cgroup, not its descendants. */
    List<Long> pids();

    CgroupStats stats();

    long oomKillCount();

    /**
     * SIGKILL to every process, without letting any fork away meanwhile (v1 freezes the cgroup first, so no JVM
     * thread may be in it then). Does not wait for them to die.
     */
    void killAll();

    /** Removes the cgroup (and any sub-cgroups), waiting a bounded time for dying processes to leave. */
    void destroy();

    /** Whether the kernel accounts (and can limit) this cgroup's swap: v1 memory.memsw.*, v2 memory.swap.max. */
    boolean accountsSwap();

    /** The directory in the main hierarchy (v2: the unified one; v1: the memory controller's). */
    Path path();
}
