package io.jcri.runtime.cgroup;

import java.util.List;

/** SIGKILL by pid, never to this JVM (which, after {@code addCurrentThread} on v1, is listed in the cgroup's procs). */
final class ProcessKiller {
    private static final System.Logger LOG = System.getLogger(ProcessKiller.class.getName());

    private ProcessKiller() {
    }

    static void killAll(List<Long> pids) {
        long self = ProcessHandle.current().pid();
        for (long pid : pids) {
            if (pid == self) {
                LOG.log(System.Logger.Level.WARNING, "cgroup lists this JVM (pid {0}); not killing it", pid);
                continue;
            }
            // destroyForcibly is kill(pid, SIGKILL), guarded against pid reuse by the start time
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
