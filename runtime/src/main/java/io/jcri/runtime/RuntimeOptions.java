package io.jcri.runtime;

import java.nio.file.Path;

/**
 * @param rootDir            per-container writable layers (upper/work) and the /proc helper binary
 * @param stateDir           persisted container state and pinned pod namespaces (should be on tmpfs, e.g. /run)
 * @param forceProcFallback  use the in-namespace /proc helper even where fsconfig "pidns" works
 * @param cgroupDriver       "cgroupfs" (only driver so far)
 * @param cgroupParent       default parent for containers without a pod cgroup parent
 */
public record RuntimeOptions(Path rootDir, Path stateDir, boolean forceProcFallback, String cgroupDriver,
                             String cgroupParent) {
    public RuntimeOptions {
        if (cgroupDriver == null) cgroupDriver = "cgroupfs";
        if (cgroupParent == null) cgroupParent = "jcri";
    }

    public static RuntimeOptions of(Path rootDir, Path stateDir) {
        return new RuntimeOptions(rootDir, stateDir, false, "cgroupfs", "jcri");
    }
}
