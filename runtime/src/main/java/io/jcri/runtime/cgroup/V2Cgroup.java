package io.jcri.runtime.cgroup;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A cgroup in the unified (v2) hierarchy. */
final class V2Cgroup implements Cgroup {
    private static final System.Logger LOG = System.getLogger(V2Cgroup.class.getName());
    private static final List<String> CONTROLLERS = List.of("cpuset", "cpu", "io", "memory", "hugetlb", "pids");
    private static final long FREEZE_TIMEOUT_NANOS = 5_000_000_000L;

    private final Path root;
    private final Path dir;

    V2Cgroup(Path root, String relativePath) {
        this.root = root;
        this.dir = relativePath.isEmpty() ? root : root.resolve(relativePath);
    }

    @Override
    public void create() {
        CgroupDirectories.create(dir);
        enableControllers();
    }

    /**
     * Delegates every controller the parent offers down to this cgroup, from the root on: a controller's files
     * appear in a cgroup only when its parent lists it in cgroup.subtree_control. Failures are tolerated (a
     * cgroup with processes of its own cannot delegate domain controllers); apply() then names the missing file.
     */
    private void enableControllers() {
        Path relative = root.relativize(dir);
        Path current = root;
        for (Path name : relative) {
            Set<String> available = words(CgroupFiles.read(current, "cgroup.controllers"));
            Set<String> enabled = words(CgroupFiles.read(current, "cgroup.subtree_control"));
            List<String> missing = CONTROLLERS.stream()
                    .filter(c -> available.contains(c) && !enabled.contains(c))
                    .map(c -> "+" + c)
                    .toList();
            if (!missing.isEmpty()) {
                delegate(current, missing);
            }
            current = current.resolve(name);
        }
    }

    /** All at once, as runc does; if the kernel refuses the batch, each on its own so the others still apply. */
    private static void delegate(Path cgroup, List<String> controllers) {
        try {
            CgroupFiles.write(cgroup, "cgroup.subtree_control", String.join(" ", controllers));
        } catch (CgroupException batch) {
            for (String controller : controllers) {
                try {
                    CgroupFiles.write(cgroup, "cgroup.subtree_control", controller);
                } catch (CgroupException e) {
                    LOG.log(System.Logger.Level.DEBUG, "cannot enable {0} in {1}: {2}", controller, cgroup,
                            e.getMessage());
                }
            }
        }
    }

    private static Set<String> words(String text) {
        return text.isEmpty() ? Set.of() : new HashSet<>(List.of(text.split("\\s+")));
    }

    @Override
    public void apply(Resources resources) {
        V2ResourceFiles.of(resources).forEach((file, value) -> CgroupFiles.write(dir, file, value));
    }

    @Override
    public void addThread(long tid) {
        throw new UnsupportedOperationException("cgroup v2: a single thread cannot join the domain cgroup " + dir
                + "; move the spawned process with addProcess before it executes user code");
    }

    /** Attaches an eBPF device filter (BPF_CGROUP_DEVICE); call once per cgroup, programs accumulate. */
    @Override
    public boolean restrictDevices(List<DeviceRule> allowed) {
        BpfSyscalls.attachDeviceFilter(dir.toString(), DeviceFilterProgram.compile(allowed));
        return true;
    }

    @Override
    public void addProcess(long pid) {
        CgroupFiles.write(dir, "cgroup.procs", Long.toString(pid));
    }

    @Override
    public List<Long> pids() {
        return CgroupFiles.readIds(dir, "cgroup.procs");
    }

    @Override
    public CgroupStats stats() {
        Map<String, Long> cpu = CgroupFiles.readKeyValues(dir, "cpu.stat");
        Map<String, Long> memory = CgroupFiles.readKeyValues(dir, "memory.stat");
        Map<String, Long> events = CgroupFiles.readKeyValues(dir, "memory.events");
        long usage = CgroupFiles.readLong(dir, "memory.current", 0);
        return new CgroupStats(
                cpu.getOrDefault("usage_usec", 0L) * 1000,
                cpu.getOrDefault("user_usec", 0L) * 1000,
                cpu.getOrDefault("system_usec", 0L) * 1000,
                usage,
                Math.max(0, usage - memory.getOrDefault("inactive_file", 0L)),
                memory.getOrDefault("anon", 0L),
                memory.getOrDefault("pgfault", 0L),
                memory.getOrDefault("pgmajfault", 0L),
                CgroupFiles.readLong(dir, "pids.current", 0),
                events.getOrDefault("oom", 0L),
                events.getOrDefault("oom_kill", 0L));
    }

    @Override
    public long oomKillCount() {
        return CgroupFiles.readKeyValues(dir, "memory.events").getOrDefault("oom_kill", 0L);
    }

    @Override
    public void killAll() {
        if (CgroupFiles.exists(dir, "cgroup.kill")) {
            CgroupFiles.write(dir, "cgroup.kill", "1"); // kernel >= 5.14: atomic, includes descendants
            return;
        }
        CgroupFiles.write(dir, "cgroup.freeze", "1");
        try {
            long deadline = System.nanoTime() + FREEZE_TIMEOUT_NANOS;
            while (CgroupFiles.readKeyValues(dir, "cgroup.events").getOrDefault("frozen", 0L) != 1L) {
                if (System.nanoTime() > deadline) {
                    LOG.log(System.Logger.Level.WARNING, "{0} did not freeze in time; killing anyway", dir);
                    break;
                }
                CgroupDirectories.pause();
            }
            ProcessKiller.killAll(pids());
        } finally {
            CgroupFiles.write(dir, "cgroup.freeze", "0");
        }
    }

    @Override
    public void destroy() {
        CgroupDirectories.remove(dir);
    }

    @Override
    public Path path() {
        return dir;
    }

    @Override
    public String toString() {
        return "cgroup v2 " + dir;
    }
}
