package io.jcri.runtime.cgroup;

import java.nio.file.Path;
import java.util.Map;

/**
 * Finds the host's cgroup layout and hands out {@link Cgroup}s. In HYBRID mode the controllers are on v1 and
 * the cgroup2 mount (which has none) is left alone, unless V2 is forced: then containers live in the cgroup2
 * hierarchy only (and stay in the daemon's v1 cgroups).
 */
public final class CgroupManager {
    public static final String DEFAULT_SCOPE_PREFIX = "jcri";

    private final CgroupMode mode;
    private final CgroupDriver driver;
    private final Map<String, Path> v1Mounts;
    private final Path unifiedMount;
    private final String scopePrefix;
    /** Whether v2 cgroups are killed through cgroup.kill (5.14+) or by freezing them first. */
    private final boolean cgroupKill;

    /**
     * Explicit layout, for tests and unusual hosts.
     *
     * @param v1Mounts     controller (or "name=..." hierarchy) to mount point; ignored for V2
     * @param unifiedMount the cgroup2 mount point; required for V2
     */
    public CgroupManager(CgroupMode mode, CgroupDriver driver, Map<String, Path> v1Mounts, Path unifiedMount) {
        this(mode, driver, v1Mounts, unifiedMount, DEFAULT_SCOPE_PREFIX);
    }

    public CgroupManager(CgroupMode mode, CgroupDriver driver, Map<String, Path> v1Mounts, Path unifiedMount,
            String scopePrefix) {
        this(mode, driver, v1Mounts, unifiedMount, scopePrefix, true);
    }

    private CgroupManager(CgroupMode mode, CgroupDriver driver, Map<String, Path> v1Mounts, Path unifiedMount,
            String scopePrefix, boolean cgroupKill) {
        if (mode == CgroupMode.V2 && unifiedMount == null) {
            throw new IllegalArgumentException("cgroup v2 needs the unified mount point");
        }
        if (mode != CgroupMode.V2 && (v1Mounts == null || v1Mounts.isEmpty())) {
            throw new IllegalArgumentException("cgroup " + mode + " needs the v1 mount points");
        }
        this.mode = mode;
        this.driver = driver;
        this.v1Mounts = v1Mounts == null ? Map.of() : Map.copyOf(v1Mounts);
        this.unifiedMount = unifiedMount;
        this.scopePrefix = scopePrefix;
        this.cgroupKill = cgroupKill;
    }

    /** Reads /proc/self/mountinfo. */
    public static CgroupManager detect(CgroupDriver driver) {
        return detect(driver, null);
    }

    /**
     * Reads /proc/self/mountinfo; {@code forced} (null: detect) overrides the mode, e.g. V2 on a hybrid host runs
     * containers in its cgroup2 hierarchy (/sys/fs/cgroup/unified), whatever controllers that has.
     */
    public static CgroupManager detect(CgroupDriver driver, CgroupMode forced) {
        return of(CgroupMounts.ofThisProcess(), driver, forced);
    }

    static CgroupManager of(CgroupMounts mounts, CgroupDriver driver, CgroupMode forced) {
        CgroupMode mode = forced != null ? forced : mounts.mode();
        if (mode == CgroupMode.V2 && mounts.unified() == null) {
            throw new CgroupException("cgroup v2 requested, but no cgroup2 filesystem is mounted");
        }
        if (mode != CgroupMode.V2 && mounts.v1().keySet().stream().allMatch(k -> k.startsWith("name="))) {
            throw new CgroupException("cgroup " + mode + " requested, but no cgroup v1 controller is mounted");
        }
        return new CgroupManager(mode, driver, mounts.v1(), mounts.unified());
    }

    /**
     * Whether the kernel has cgroup.kill (probed once at start-up, see {@code KernelFeatures}); without it, v2
     * cgroups are frozen, their processes killed one by one, and thawed. The same layout, with that choice.
     */
    public CgroupManager withCgroupKill(boolean kernelHasIt) {
        return new CgroupManager(mode, driver, v1Mounts, unifiedMount, scopePrefix, kernelHasIt);
    }

    public CgroupMode mode() {
        return mode;
    }

    /** The cgroup2 mount point (null if none), the v2 root in V2 mode. */
    public Path unifiedMount() {
        return unifiedMount;
    }

    public CgroupDriver driver() {
        return driver;
    }

    /** The container's cgroup below {@code cgroupParent} (a path, or for SYSTEMD a slice name). */
    public Cgroup forContainer(String cgroupParent, String name) {
        return at(CgroupPaths.containerPath(driver, scopePrefix, cgroupParent, name));
    }

    /** The cgroup of a parent itself (a pod's), e.g. to apply pod-level limits or remove it. */
    public Cgroup forParent(String cgroupParent) {
        String path = CgroupPaths.parentPath(driver, cgroupParent);
        if (path.isEmpty()) {
            throw new IllegalArgumentException("the root cgroup is not managed here");
        }
        return at(path);
    }

    /** The path, relative to the hierarchy root, that {@link #forContainer} uses. */
    public String containerPath(String cgroupParent, String name) {
        return CgroupPaths.containerPath(driver, scopePrefix, cgroupParent, name);
    }

    private Cgroup at(String relativePath) {
        return mode == CgroupMode.V2 ? new V2Cgroup(unifiedMount, relativePath, cgroupKill)
                : new V1Cgroup(v1Mounts, relativePath);
    }
}
