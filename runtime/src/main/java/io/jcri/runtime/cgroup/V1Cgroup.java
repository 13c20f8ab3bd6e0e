package io.jcri.runtime.cgroup;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A cgroup in the v1 hierarchies: one directory per mounted hierarchy (controllers sharing a mount share it,
 * named hierarchies such as name=systemd included so the process is tracked there too).
 */
final class V1Cgroup implements Cgroup {
    private static final System.Logger LOG = System.getLogger(V1Cgroup.class.getName());
    private static final long FREEZE_TIMEOUT_NANOS = 5_000_000_000L;

    /** Controller (or "name=..." hierarchy) to this cgroup's directory in it. */
    private final Map<String, Path> dirs;
    /** Controller to the hierarchy's mount point, for walking cpuset ancestors. */
    private final Map<String, Path> mounts;

    V1Cgroup(Map<String, Path> mounts, String relativePath) {
        this.mounts = Map.copyOf(mounts);
        Map<String, Path> dirs = new HashMap<>();
        mounts.forEach((controller, mount) -> dirs.put(controller, resolve(mount, relativePath)));
        this.dirs = Map.copyOf(dirs);
    }

    private static Path resolve(Path mount, String relativePath) {
        return relativePath.isEmpty() ? mount : mount.resolve(relativePath);
    }

    private Set<Path> distinctDirs() {
        return new LinkedHashSet<>(dirs.values());
    }

    private Path dir(String controller) {
        Path dir = dirs.get(controller);
        if (dir == null) {
            throw new CgroupException("cgroup v1 controller " + controller + " is not mounted on this host");
        }
        return dir;
    }

    @Override
    public void create() {
        for (Path dir : distinctDirs()) {
            CgroupDirectories.create(dir);
        }
        if (dirs.containsKey("cpuset")) {
            seedCpuset(mounts.get("cpuset"), dirs.get("cpuset"));
        }
    }

    /** A new v1 cpuset cgroup starts with empty cpus/mems and refuses tasks until they are set: copy the parent's. */
    private static void seedCpuset(Path mount, Path leaf) {
        Path relative = mount.relativize(leaf);
        Path parent = mount;
        for (Path name : relative) {
            Path child = parent.resolve(name);
            for (String file : List.of("cpuset.cpus", "cpuset.mems")) {
                if (CgroupFiles.read(child, file).isEmpty()) {
                    CgroupFiles.write(child, file, CgroupFiles.read(parent, file));
                }
            }
            parent = child;
        }
    }

    @Override
    public void apply(Resources requested) {
        Resources r = HugetlbAbsence.skipIfAbsent(requested, dirs.containsKey("hugetlb"), "the cgroup v1 hierarchy");
        if (!r.unified().isEmpty()) {
            throw new IllegalArgumentException("unified (cgroup v2) resources cannot be applied on cgroup v1: "
                    + r.unified().keySet());
        }
        if (r.cpuShares() != null && r.cpuShares() > 0) {
            CgroupFiles.write(dir("cpu"), "cpu.shares", Long.toString(r.cpuShares()));
        }
        if (r.cpuPeriod() != null && r.cpuPeriod() > 0) {
            CgroupFiles.write(dir("cpu"), "cpu.cfs_period_us", Long.toString(r.cpuPeriod()));
        }
        if (r.cpuQuota() != null) {
            CgroupFiles.write(dir("cpu"), "cpu.cfs_quota_us", Long.toString(r.cpuQuota() > 0 ? r.cpuQuota() : -1));
        }
        if (r.cpusetCpus() != null && !r.cpusetCpus().isEmpty()) {
            CgroupFiles.write(dir("cpuset"), "cpuset.cpus", r.cpusetCpus());
        }
        if (r.cpusetMems() != null && !r.cpusetMems().isEmpty()) {
            CgroupFiles.write(dir("cpuset"), "cpuset.mems", r.cpusetMems());
        }
        applyMemory(r.memoryLimitBytes() == null ? 0 : r.memoryLimitBytes(),
                r.memorySwapLimitBytes() == null ? 0 : r.memorySwapLimitBytes());
        if (r.pidsLimit() != null) {
            CgroupFiles.write(dir("pids"), "pids.max", r.pidsLimit() > 0 ? Long.toString(r.pidsLimit()) : "max");
        }
        r.hugepageLimits().forEach((size, bytes) ->
                CgroupFiles.write(dir("hugetlb"), "hugetlb." + size + ".limit_in_bytes", Long.toString(bytes)));
    }

    /**
     * The kernel insists on memory <= memsw at every moment, so the order of the two writes depends on whether
     * the limits go up or down (as runc does it). 0 means "leave as is".
     */
    private void applyMemory(long memory, long swap) {
        if (memory == 0 && swap == 0) {
            return;
        }
        Path dir = dir("memory");
        boolean memsw = CgroupFiles.exists(dir, "memory.memsw.limit_in_bytes");
        if (swap != 0 && !memsw) {
            LOG.log(System.Logger.Level.WARNING, "swap accounting is off (no memory.memsw.limit_in_bytes): "
                    + "memory+swap limit {0} not applied to {1}", swap, dir);
            swap = 0;
        }
        if (memory == -1 && swap == 0 && memsw) {
            swap = -1; // an unlimited memory limit cannot sit above a finite memsw limit
        }
        if (memory != 0 && swap != 0) {
            long current = CgroupFiles.readLong(dir, "memory.memsw.limit_in_bytes", Long.MAX_VALUE);
            if (swap == -1 || current < swap) {
                CgroupFiles.write(dir, "memory.memsw.limit_in_bytes", Long.toString(swap));
                CgroupFiles.write(dir, "memory.limit_in_bytes", Long.toString(memory));
            } else {
                CgroupFiles.write(dir, "memory.limit_in_bytes", Long.toString(memory));
                CgroupFiles.write(dir, "memory.memsw.limit_in_bytes", Long.toString(swap));
            }
        } else if (memory != 0) {
            CgroupFiles.write(dir, "memory.limit_in_bytes", Long.toString(memory));
        } else {
            CgroupFiles.write(dir, "memory.memsw.limit_in_bytes", Long.toString(swap));
        }
    }

    @Override
    public boolean restrictDevices(List<DeviceRule> allowed) {
        Path devices = dir("devices");
        CgroupFiles.write(devices, "devices.deny", "a");
        for (DeviceRule rule : allowed) {
            CgroupFiles.write(devices, "devices.allow", rule.toV1());
        }
        return true;
    }

    @Override
    public void addCurrentThread() {
        for (Path dir : distinctDirs()) {
            CgroupFiles.write(dir, "tasks", "0");
        }
    }

    @Override
    public void addProcess(long pid) {
        for (Path dir : distinctDirs()) {
            CgroupFiles.write(dir, "cgroup.procs", Long.toString(pid));
        }
    }

    @Override
    public List<Long> pids() {
        return CgroupFiles.readIds(primary(), "cgroup.procs");
    }

    /** pids, then memory, then any hierarchy: the one whose membership we report. */
    private Path primary() {
        for (String controller : List.of("pids", "memory", "freezer", "cpu")) {
            if (dirs.containsKey(controller)) {
                return dirs.get(controller);
            }
        }
        return dirs.values().iterator().next();
    }

    @Override
    public CgroupStats stats() {
        long usage = 0;
        long user = 0;
        long system = 0;
        Path cpuacct = dirs.get("cpuacct");
        if (cpuacct != null) {
            usage = CgroupFiles.readLong(cpuacct, "cpuacct.usage", 0);
            user = CgroupFiles.readLong(cpuacct, "cpuacct.usage_user", 0);
            system = CgroupFiles.readLong(cpuacct, "cpuacct.usage_sys", 0);
        }
        long memoryUsage = 0;
        long workingSet = 0;
        long rss = 0;
        long faults = 0;
        long majorFaults = 0;
        long oomKills = 0;
        Path memory = dirs.get("memory");
        if (memory != null) {
            memoryUsage = CgroupFiles.readLong(memory, "memory.usage_in_bytes", 0);
            Map<String, Long> stat = CgroupFiles.readKeyValues(memory, "memory.stat");
            workingSet = Math.max(0, memoryUsage - stat.getOrDefault("total_inactive_file", 0L));
            rss = stat.getOrDefault("total_rss", 0L);
            faults = stat.getOrDefault("total_pgfault", 0L);
            majorFaults = stat.getOrDefault("total_pgmajfault", 0L);
            oomKills = CgroupFiles.readKeyValues(memory, "memory.oom_control").getOrDefault("oom_kill", 0L);
        }
        long pids = dirs.containsKey("pids") ? CgroupFiles.readLong(dirs.get("pids"), "pids.current", 0) : 0;
        return new CgroupStats(usage, user, system, memoryUsage, workingSet, rss, faults, majorFaults, pids,
                oomKills, oomKills);
    }

    @Override
    public long oomKillCount() {
        Path memory = dirs.get("memory");
        return memory == null ? 0
                : CgroupFiles.readKeyValues(memory, "memory.oom_control").getOrDefault("oom_kill", 0L);
    }

    @Override
    public synchronized void killAll() { // two at once (exit handler, stop) would thaw each other
        Path freezer = dirs.get("freezer");
        if (freezer == null) {
            // without a freezer a forking process can outrun us: repeat until nothing is left to signal
            for (int round = 0; round < 100 && !pids().isEmpty(); round++) {
                ProcessKiller.killAll(pids());
            }
            return;
        }
        // nothing to kill, and nothing there to fork: skip the freeze, whose FROZEN and THAWED writes cost ~5 ms
        // each even on an empty cgroup (the kernel patches its freezer static key on both)
        List<Long> procs = CgroupFiles.readIds(freezer, "cgroup.procs");
        if (procs.isEmpty() || procs.equals(List.of(ProcessHandle.current().pid()))) {
            return;
        }
        CgroupFiles.write(freezer, "freezer.state", "FROZEN");
        try {
            long deadline = System.nanoTime() + FREEZE_TIMEOUT_NANOS;
            long pause = 100_000; // FREEZING has no notification: poll, from 0.1 ms up to 10 ms
            while (!CgroupFiles.read(freezer, "freezer.state").equals("FROZEN")) {
                if (System.nanoTime() > deadline) {
                    LOG.log(System.Logger.Level.WARNING, "{0} did not freeze in time; killing anyway", freezer);
                    break;
                }
                CgroupDirectories.pause(pause);
                pause = Math.min(10_000_000, pause * 2);
            }
            ProcessKiller.killAll(CgroupFiles.readIds(freezer, "cgroup.procs"));
        } finally {
            CgroupFiles.write(freezer, "freezer.state", "THAWED");
        }
    }

    @Override
    public void destroy() {
        for (Path dir : distinctDirs()) {
            CgroupDirectories.remove(dir);
        }
    }

    @Override
    public boolean accountsSwap() {
        Path memory = dirs.get("memory");
        return memory != null && CgroupFiles.exists(memory, "memory.memsw.limit_in_bytes");
    }

    @Override
    public Path path() {
        return dirs.containsKey("memory") ? dirs.get("memory") : primary();
    }

    /** Every directory of this cgroup, one per hierarchy. */
    Set<Path> directories() {
        return distinctDirs();
    }

    @Override
    public String toString() {
        return "cgroup v1 " + path();
    }
}
