package io.jcri.runtime.cgroup;

import java.nio.file.Path;
import java.util.Map;

/**
 * Finds the host's cgroup layout and hands out {@link Cgroup}s. In HYBRID mode the controllers are on v1 and
 * the cgroup2 mount (which has none) is left alone.
 */
public final class CgroupManager {
    public static final String DEFAULT_SCOPE_PREFIX = "jcri";

    private final CgroupMode mode;
    private final CgroupDriver driver;
    private final Map<String, Path> v1Mounts;
    private final Path unifiedMount;
    private final String scopePrefix;

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
    }

    /** Reads /proc/self/mountinfo. */
    public static CgroupManager detect(CgroupDriver driver) {
        CgroupMounts mounts = CgroupMounts.ofThisProcess();
        return new CgroupManager(mounts.mode(), driver, mounts.v1(), mounts.unified());
    }

    public CgroupMode mode() {
        return mode;
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
        return mode == CgroupMode.V2 ? new V2Cgroup(unifiedMount, relativePath)
                : new V1Cgroup(v1Mounts, relativePath);
    }
}
