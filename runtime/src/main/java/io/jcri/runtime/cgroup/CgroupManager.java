package io.jcri.runtime.cgroup;

import io.jcri.runtime.cgroup.systemd.Systemd;
import java.nio.file.Path;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Finds the host's cgroup layout and hands out {@link Cgroup}s. In HYBRID mode the controllers are on v1 and
 * the cgroup2 mount (which has none) is left alone, unless V2 is forced: then containers live in the cgroup2
 * hierarchy only (and stay in the daemon's v1 cgroups).
 *
 * <p>With the SYSTEMD driver on cgroup v2 a container's cgroup is a transient scope systemd creates
 * ({@link SystemdScope}, over D-Bus); pod cgroups (kubelet's slices) are only read. On v1 and hybrid hosts the
 * systemd driver names the directories as systemd would but jcri writes them itself (systemd does not know
 * them there): those hosts have no tested scope path.
 */
public final class CgroupManager implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CgroupManager.class.getName());
    /** Container scopes are {@code jcri-<id>.scope}, as containerd's are {@code cri-containerd-<id>.scope}. */
    public static final String DEFAULT_SCOPE_PREFIX = "jcri";

    private final CgroupMode mode;
    private final CgroupDriver driver;
    private final Map<String, Path> v1Mounts;
    private final Path unifiedMount;
    private final String scopePrefix;
    /** Whether v2 cgroups are killed through cgroup.kill (5.14+) or by freezing them first. */
    private final boolean cgroupKill;
    /** The systemd client of the SYSTEMD driver on v2; null otherwise. */
    private final Systemd systemd;
    /** Follows the scopes' memory.events (systemd removes a scope's cgroup once empty); null without systemd. */
    private final OomKillWatch oomWatch;

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
        this(mode, driver, v1Mounts, unifiedMount, scopePrefix, null);
    }

    /** @param systemd the D-Bus client for SYSTEMD scopes on V2 (closed with this); null: directories only */
    public CgroupManager(CgroupMode mode, CgroupDriver driver, Map<String, Path> v1Mounts, Path unifiedMount,
            String scopePrefix, Systemd systemd) {
        this(mode, driver, v1Mounts, unifiedMount, scopePrefix, systemd, true,
                systemd == null ? null : new OomKillWatch());
    }

    private CgroupManager(CgroupMode mode, CgroupDriver driver, Map<String, Path> v1Mounts, Path unifiedMount,
            String scopePrefix, Systemd systemd, boolean cgroupKill, OomKillWatch oomWatch) {
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
        this.systemd = systemd;
        this.oomWatch = oomWatch;
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
        Systemd systemd = null;
        if (driver == CgroupDriver.SYSTEMD) {
            if (mode == CgroupMode.V2) {
                systemd = Systemd.connect(); // a clear start-up error when no systemd answers
                LOG.info("cgroup driver systemd: containers get transient scopes " + DEFAULT_SCOPE_PREFIX
                        + "-<id>.scope from systemd " + systemd.version() + " over D-Bus");
            } else {
                LOG.warning("cgroup driver systemd on a cgroup " + mode + " host: jcri names the cgroups as systemd"
                        + " would but creates them itself, systemd does not know them (scopes need cgroup v2)");
            }
        }
        return new CgroupManager(mode, driver, mounts.v1(), mounts.unified(), DEFAULT_SCOPE_PREFIX, systemd);
    }

    /**
     * Whether the kernel has cgroup.kill (probed once at start-up, see {@code KernelFeatures}); without it, v2
     * cgroups are frozen, their processes killed one by one, and thawed. The same layout, with that choice.
     */
    public CgroupManager withCgroupKill(boolean kernelHasIt) {
        return new CgroupManager(mode, driver, v1Mounts, unifiedMount, scopePrefix, systemd, kernelHasIt, oomWatch);
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
        String path = CgroupPaths.containerPath(driver, scopePrefix, cgroupParent, name);
        if (systemd != null && mode == CgroupMode.V2) {
            String unit = path.substring(path.lastIndexOf('/') + 1);
            return new SystemdScope(systemd, oomWatch, unifiedMount, path, unit, CgroupPaths.sliceUnit(cgroupParent),
                    "jcri container " + name);
        }
        return at(path);
    }

    /** Whether containers get systemd scopes (the SYSTEMD driver on v2, systemd answering). */
    public boolean usesSystemdScopes() {
        return systemd != null && mode == CgroupMode.V2;
    }

    /** Ends the D-Bus connection of the systemd driver, if any. */
    @Override
    public void close() {
        if (oomWatch != null) oomWatch.close();
        if (systemd != null) systemd.close();
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
