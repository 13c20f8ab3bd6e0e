package io.jcri.runtime.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A process's start time (clock ticks since boot, /proc/pid/stat field 22): pid plus start time is unique. */
public final class ProcStat {
    private ProcStat() {}

    /** -1 if the process is gone. */
    public static long startTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String afterComm = stat.substring(stat.lastIndexOf(')') + 2);
            return Long.parseLong(afterComm.split(" ")[19]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * A pidfd for {@code pid} if it still is the process that started at {@code startTime} (a process recorded
     * by an earlier daemon), else -1. Checked again after pidfd_open: the pid may be reused in between.
     */
    public static int openPidfd(long pid, long startTime) {
        if (startTime(pid) != startTime) return -1;
        int pidfd = (int) Native.syscall(Sc.PIDFD_OPEN, pid, 0, 0, 0, 0, 0);
        if (pidfd >= 0 && startTime(pid) != startTime) {
            Native.closeQuietly(pidfd);
            return -1;
        }
        return pidfd;
    }
}
