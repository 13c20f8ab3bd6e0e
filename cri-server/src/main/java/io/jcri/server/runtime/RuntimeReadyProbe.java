package io.jcri.server.runtime;

import io.jcri.cri.v1.RuntimeCondition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * RuntimeReady: the daemon can hold state and create containers' cgroups — its directories are writable
 * and a cgroup hierarchy is mounted.
 */
public final class RuntimeReadyProbe implements ConditionProbe {
    public static final String TYPE = "RuntimeReady";

    private final Path rootDir;
    private final Path stateDir;
    private final Path mountInfo;

    public RuntimeReadyProbe(Path rootDir, Path stateDir) {
        this(rootDir, stateDir, Path.of("/proc/self/mountinfo"));
    }

    RuntimeReadyProbe(Path rootDir, Path stateDir, Path mountInfo) {
        this.rootDir = rootDir;
        this.stateDir = stateDir;
        this.mountInfo = mountInfo;
    }

    @Override
    public RuntimeCondition probe() {
        for (Path dir : new Path[] {rootDir, stateDir}) {
            if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
                return ConditionProbe.notReady(TYPE, "DirectoryNotWritable", dir + " is not a writable directory");
            }
        }
        if (!cgroupMounted()) {
            return ConditionProbe.notReady(TYPE, "NoCgroupHierarchy",
                    "no cgroup or cgroup2 filesystem is mounted (see /proc/self/mountinfo)");
        }
        return ConditionProbe.ready(TYPE);
    }

    /**
     * Whether mountinfo lists a filesystem of type cgroup or cgroup2: the type is the first word after the
     * " - " separator of a line. Scanned as bytes (mountinfo is ASCII up to the separator's type field), as it is
     * read on every re-check of the conditions.
     */
    private boolean cgroupMounted() {
        byte[] info;
        try {
            info = Files.readAllBytes(mountInfo);
        } catch (IOException e) {
            return false;
        }
        int lineStart = 0;
        while (lineStart < info.length) {
            int lineEnd = lineStart;
            while (lineEnd < info.length && info[lineEnd] != '\n') {
                lineEnd++;
            }
            int sep = indexOf(info, SEPARATOR, lineStart, lineEnd);
            if (sep >= 0) {
                int type = sep + SEPARATOR.length;
                int typeEnd = type;
                while (typeEnd < lineEnd && info[typeEnd] != ' ') {
                    typeEnd++;
                }
                if (is(info, type, typeEnd, CGROUP) || is(info, type, typeEnd, CGROUP2)) {
                    return true;
                }
            }
            lineStart = lineEnd + 1;
        }
        return false;
    }

    private static final byte[] SEPARATOR = " - ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CGROUP = "cgroup".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CGROUP2 = "cgroup2".getBytes(StandardCharsets.US_ASCII);

    private static int indexOf(byte[] b, byte[] what, int from, int to) {
        for (int i = from; i + what.length <= to; i++) {
            if (is(b, i, i + what.length, what)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean is(byte[] b, int from, int to, byte[] what) {
        if (to - from != what.length) {
            return false;
        }
        for (int i = 0; i < what.length; i++) {
            if (b[from + i] != what[i]) {
                return false;
            }
        }
        return true;
    }
}
