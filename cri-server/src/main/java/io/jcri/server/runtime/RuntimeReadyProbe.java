package io.jcri.server.runtime;

import io.jcri.cri.v1.RuntimeCondition;
import java.io.IOException;
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

    private boolean cgroupMounted() {
        try (var lines = Files.lines(mountInfo)) {
            return lines.anyMatch(l -> {
                int sep = l.indexOf(" - ");
                if (sep < 0) {
                    return false;
                }
                String fsType = l.substring(sep + 3).split(" ", 2)[0];
                return fsType.equals("cgroup") || fsType.equals("cgroup2");
            });
        } catch (IOException e) {
            return false;
        }
    }
}
