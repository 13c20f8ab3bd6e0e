package io.jcri.runtime.cgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/** A cgroup in the unified (v2) hierarchy. */
final class V2Cgroup implements Cgroup {
    private static final System.Logger LOG = System.getLogger(V2Cgroup.class.getName());
    private static final List<String> CONTROLLERS = List.of("cpuset", "cpu", "io", "memory", "hugetlb", "pids");
    private static final long FREEZE_TIMEOUT_NANOS = 5_000_000_000L;

    private final Path root;
    private final Path dir;
    private final boolean cgroupKill;

    V2Cgroup(Path root, String relativePath) {
        this(root, relativePath, true);
    }

    /** {@code cgroupKill}: the kernel has cgroup.kill (else {@link #killAll} freezes and kills one by one). */
    V2Cgroup(Path root, String relativePath, boolean cgroupKill) {
        this.root = root;
        this.dir = relativePath.isEmpty() ? root : root.resolve(relativePath);
        this.cgroupKill = cgroupKill;
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

    /**
     * Writes nothing unless every file's controller is enabled here: a limit whose controller the parent's
     * cgroup.subtree_control does not give this cgroup (not in the hierarchy at all, e.g. bound to v1 on a hybrid
     * host, or not delegable) fails naming the controller, like runc's "controller not available". As runc, a
     * memory.swap.max of "max" or "0" is skipped where swap accounting is off (the file is missing).
     */
    @Override
    public void apply(Resources requested) {
        // containerd asks the root: a hugetlb the hierarchy offers but could not delegate here still fails below
        Resources resources = HugetlbAbsence.skipIfAbsent(requested,
                requested.hugepageLimits().isEmpty() || words(CgroupFiles.read(root, "cgroup.controllers"))
                        .contains("hugetlb"), "the cgroup2 hierarchy at " + root);
        Map<String, String> files = new LinkedHashMap<>(V2ResourceFiles.of(resources));
        if (files.isEmpty()) {
            return;
        }
        for (String file : files.keySet()) {
            if (file.contains("/") || file.startsWith(".")) {
                throw new IllegalArgumentException("cgroup v2 resource \"" + file + "\" must be a file name");
            }
        }
        Set<String> enabled = words(CgroupFiles.read(dir, "cgroup.controllers"));
        String swap = files.get("memory.swap.max");
        if (swap != null && (swap.equals("max") || swap.equals("0")) && enabled.contains("memory")
                && !CgroupFiles.exists(dir, "memory.swap.max")) {
            files.remove("memory.swap.max");
        }
        Map<String, List<String>> missing = new TreeMap<>();
        for (String file : files.keySet()) {
            String controller = controllerOf(file);
            if (!CgroupFiles.exists(dir, file) && !controller.equals("cgroup") && !enabled.contains(controller)) {
                missing.computeIfAbsent(controller, c -> new ArrayList<>()).add(file);
            }
        }
        if (!missing.isEmpty()) {
            throw new CgroupException(missingControllers(missing, enabled));
        }
        files.forEach((file, value) -> CgroupFiles.write(dir, file, value));
    }

    private static String controllerOf(String file) {
        int dot = file.indexOf('.');
        return dot < 0 ? file : file.substring(0, dot);
    }

    private String missingControllers(Map<String, List<String>> missing, Set<String> enabled) {
        Set<String> offered = words(CgroupFiles.read(root, "cgroup.controllers"));
        StringBuilder m = new StringBuilder("cgroup v2 controller");
        m.append(missing.size() > 1 ? "s " : " ");
        List<String> parts = new ArrayList<>();
        missing.forEach((c, f) -> parts.add("\"" + c + "\" (for "
                + String.join(", ", f.stream().map(file -> dir.resolve(file).toString()).toList()) + ")"));
        m.append(String.join(", ", parts)).append(missing.size() > 1 ? " are" : " is")
                .append(" not enabled for ").append(dir)
                .append(": its parent's cgroup.subtree_control gives it [").append(String.join(" ", sorted(enabled)))
                .append("]");
        List<String> absent = missing.keySet().stream().filter(c -> !offered.contains(c)).toList();
        if (!absent.isEmpty()) {
            m.append("; the cgroup2 hierarchy at ").append(root).append(" offers only [")
                    .append(String.join(" ", sorted(offered))).append("], not ").append(String.join(", ", absent))
                    .append(" (on a hybrid host, controllers bound to a cgroup v1 hierarchy are not available on v2)");
        }
        List<String> offeredButMissing = missing.keySet().stream().filter(offered::contains).toList();
        if (!offeredButMissing.isEmpty()) {
            m.append("; the hierarchy offers ").append(String.join(", ", offeredButMissing))
                    .append(" but could not delegate ").append(offeredButMissing.size() > 1 ? "them" : "it")
                    .append(" down to this cgroup (does a cgroup on the way hold processes of its own?)");
        }
        return m.toString();
    }

    private static List<String> sorted(Set<String> words) {
        return words.stream().sorted().toList();
    }

    @Override
    public void addCurrentThread() {
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
                CgroupFiles.exists(dir, "pids.current") ? CgroupFiles.readLong(dir, "pids.current", 0) : tasks(),
                events.getOrDefault("oom", 0L),
                events.getOrDefault("oom_kill", 0L));
    }

    /** Without the pids controller: the threads of this cgroup and its descendants (what pids.current counts). */
    private long tasks() {
        long n = 0;
        for (Path cgroup : subtree()) {
            try {
                n += CgroupFiles.readIds(cgroup, "cgroup.threads").size();
            } catch (CgroupException e) {
                // removed meanwhile
            }
        }
        return n;
    }

    /** This cgroup and every cgroup below it (none if it does not exist). */
    private List<Path> subtree() {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isDirectory).toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of();
        }
    }

    @Override
    public long oomKillCount() {
        return CgroupFiles.readKeyValues(dir, "memory.events").getOrDefault("oom_kill", 0L);
    }

    /** cgroup.kill where the kernel has it (5.14+); else freeze, SIGKILL each process, thaw. A missing cgroup is empty. */
    @Override
    public void killAll() {
        if (!Files.isDirectory(dir)) {
            return;
        }
        if (cgroupKill && CgroupFiles.exists(dir, "cgroup.kill")) {
            CgroupFiles.write(dir, "cgroup.kill", "1"); // atomic, includes descendants
            return;
        }
        killAllFrozen();
    }

    /** The pre-5.14 way: nothing in the subtree can fork while frozen; SIGKILL still kills frozen tasks. */
    void killAllFrozen() {
        if (CgroupFiles.readKeyValues(dir, "cgroup.events").getOrDefault("populated", 1L) == 0L) {
            return; // no process in the subtree: nothing to kill, nothing to fork
        }
        CgroupFiles.write(dir, "cgroup.freeze", "1");
        try {
            long deadline = System.nanoTime() + FREEZE_TIMEOUT_NANOS;
            long pause = 100_000; // poll, from 0.1 ms up to 10 ms
            while (CgroupFiles.readKeyValues(dir, "cgroup.events").getOrDefault("frozen", 0L) != 1L) {
                if (System.nanoTime() > deadline) {
                    LOG.log(System.Logger.Level.WARNING, "{0} did not freeze in time; killing anyway", dir);
                    break;
                }
                CgroupDirectories.pause(pause);
                pause = Math.min(10_000_000, pause * 2);
            }
            for (Path cgroup : subtree()) {
                ProcessKiller.killAll(CgroupFiles.readIds(cgroup, "cgroup.procs"));
            }
        } finally {
            CgroupFiles.write(dir, "cgroup.freeze", "0");
        }
    }

    @Override
    public void destroy() {
        CgroupDirectories.remove(dir);
    }

    @Override
    public boolean accountsSwap() {
        return CgroupFiles.exists(dir, "memory.swap.max");
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
