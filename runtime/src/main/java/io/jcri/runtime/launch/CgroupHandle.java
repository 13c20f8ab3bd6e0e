package io.jcri.runtime.launch;

import io.jcri.runtime.Resources;

import java.nio.file.Path;
import java.util.List;

/** The runtime's view of one container cgroup (implemented over the cgroup package). */
public interface CgroupHandle {
    void create();

    void apply(Resources resources);

    /** cgroup v1: moves one thread (the launch thread) so that its children are born inside. */
    void addThread(long tid);

    /** False on cgroup v2, where a thread cannot join a domain cgroup alone: launches then use the FIFO gate. */
    boolean supportsThreads();

    void addProcess(long pid);

    List<Long> pids();

    long oomKillCount();

    void killAll();

    /** {cpu usage ns, memory usage bytes, memory working set bytes}. */
    long[] usage();

    void destroy();

    Path path();
}
