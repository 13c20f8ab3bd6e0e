package io.jcri.runtime;

import io.jcri.runtime.cgroup.CgroupDriver;
import io.jcri.runtime.cgroup.CgroupMode;
import io.jcri.runtime.kernel.KernelFeatures;

import java.nio.file.Path;

/**
 * @param rootDir            per-container writable layers (upper/work) and the /proc helper binary
 * @param stateDir           persisted container state and pinned pod namespaces (should be on tmpfs, e.g. /run)
 * @param forceProcFallback  use the in-namespace /proc helper even where fsconfig "pidns" works
 * @param cgroupDriver       cgroupfs or systemd naming of cgroup parents
 * @param cgroupParent       default parent for containers without a pod cgroup parent
 * @param cgroupMode         null: detect from the mounts; V2 on a hybrid host uses its cgroup2 mount (which may
 *                           have no controllers: then only limits of enabled controllers can be set)
 * @param exitLog            where the subreaper above the daemon records the orphans it reaps (see
 *                           {@link io.jcri.runtime.supervise.SubreaperElf}); null when there is none
 * @param kernelFeatures     null: probe this kernel; else these (tests forcing a fallback on a newer kernel)
 */
public record RuntimeOptions(Path rootDir, Path stateDir, boolean forceProcFallback, CgroupDriver cgroupDriver,
                             String cgroupParent, CgroupMode cgroupMode, Path exitLog, KernelFeatures kernelFeatures) {
    public RuntimeOptions {
        if (cgroupDriver == null) cgroupDriver = CgroupDriver.CGROUPFS;
        if (cgroupParent == null) cgroupParent = "jcri";
    }

    public RuntimeOptions(Path rootDir, Path stateDir, boolean forceProcFallback, CgroupDriver cgroupDriver,
                          String cgroupParent) {
        this(rootDir, stateDir, forceProcFallback, cgroupDriver, cgroupParent, null, null, null);
    }

    public RuntimeOptions(Path rootDir, Path stateDir, boolean forceProcFallback, CgroupDriver cgroupDriver,
                          String cgroupParent, CgroupMode cgroupMode, Path exitLog) {
        this(rootDir, stateDir, forceProcFallback, cgroupDriver, cgroupParent, cgroupMode, exitLog, null);
    }

    /** The same options with the cgroup mode forced (null: detect). */
    public RuntimeOptions withCgroupMode(CgroupMode mode) {
        return new RuntimeOptions(rootDir, stateDir, forceProcFallback, cgroupDriver, cgroupParent, mode, exitLog,
                kernelFeatures);
    }

    public RuntimeOptions withExitLog(Path log) {
        return new RuntimeOptions(rootDir, stateDir, forceProcFallback, cgroupDriver, cgroupParent, cgroupMode, log,
                kernelFeatures);
    }

    /** The same options with the kernel's features given instead of probed (their fallbacks run where absent). */
    public RuntimeOptions withKernelFeatures(KernelFeatures features) {
        return new RuntimeOptions(rootDir, stateDir, forceProcFallback, cgroupDriver, cgroupParent, cgroupMode, exitLog,
                features);
    }

    public static RuntimeOptions of(Path rootDir, Path stateDir) {
        return new RuntimeOptions(rootDir, stateDir, false, CgroupDriver.CGROUPFS, "jcri");
    }
}
