package io.jcri.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a process's start time (clock ticks since boot, /proc/pid/stat field 22): pid plus start time is unique. */
final class ProcStat {
    private ProcStat() {}

    static long startTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String afterComm = stat.substring(stat.lastIndexOf(')') + 2);
            return Long.parseLong(afterComm.split(" ")[19]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
