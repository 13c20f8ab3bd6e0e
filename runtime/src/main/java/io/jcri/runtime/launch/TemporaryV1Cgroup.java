package io.jcri.runtime.launch;

import io.jcri.runtime.Resources;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * TEMPORARY cgroup v1 (cgroupfs) stand-in until {@code io.jcri.runtime.cgroup} lands on main: just enough for
 * membership, memory/pids/cpu limits, OOM counting and kill-all. No cpuset, no v2.
 */
public final class TemporaryV1Cgroup implements CgroupHandle {
    private static final List<String> CONTROLLERS = List.of("cpu", "cpuacct", "memory", "pids", "freezer");
    private final Path root;
    private final String relative;

    public TemporaryV1Cgroup(Path root, String parent, String name) {
        this.root = root;
        String p = parent == null ? "" : parent.replaceAll("^/+|/+$", "");
        this.relative = p.isEmpty() ? name : p + "/" + name;
    }

    private Path dir(String controller) {
        return root.resolve(controller).resolve(relative);
    }

    @Override
    public void create() {
        for (String c : CONTROLLERS) {
            try {
                Files.createDirectories(dir(c));
            } catch (IOException e) {
                throw new IllegalStateException("create cgroup " + dir(c), e);
            }
        }
    }

    @Override
    public void apply(Resources r) {
        if (r == null) return;
        if (r.memoryLimitBytes() != null) write(dir("memory").resolve("memory.limit_in_bytes"), r.memoryLimitBytes());
        if (r.pidsLimit() != null) write(dir("pids").resolve("pids.max"), r.pidsLimit() < 0 ? "max" : r.pidsLimit());
        if (r.cpuShares() != null) write(dir("cpu").resolve("cpu.shares"), r.cpuShares());
        if (r.cpuPeriod() != null) write(dir("cpu").resolve("cpu.cfs_period_us"), r.cpuPeriod());
        if (r.cpuQuota() != null) write(dir("cpu").resolve("cpu.cfs_quota_us"), r.cpuQuota());
    }

    @Override
    public void addThread(long tid) {
        for (String c : CONTROLLERS) write(dir(c).resolve("tasks"), tid);
    }

    @Override
    public boolean supportsThreads() {
        return true;
    }

    @Override
    public void addProcess(long pid) {
        for (String c : CONTROLLERS) write(dir(c).resolve("cgroup.procs"), pid);
    }

    @Override
    public List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        try {
            for (String l : Files.readAllLines(dir("pids").resolve("cgroup.procs"))) {
                if (!l.isBlank()) pids.add(Long.parseLong(l.trim()));
            }
        } catch (NoSuchFileException e) {
            return pids;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return pids;
    }

    @Override
    public long oomKillCount() {
        try {
            for (String l : Files.readAllLines(dir("memory").resolve("memory.oom_control"))) {
                if (l.startsWith("oom_kill ")) return Long.parseLong(l.substring(9).trim());
            }
        } catch (IOException e) {
            return 0;
        }
        return 0;
    }

    @Override
    public void killAll() {
        for (int round = 0; round < 100; round++) {
            List<Long> pids = pids();
            if (pids.isEmpty()) return;
            long self = ProcessHandle.current().pid();
            for (long pid : pids) if (pid != self) io.jcri.runtime.sys.Native.C.kill((int) pid, 9);
            if (pids.size() == 1 && pids.get(0) == self) return;
            Thread.onSpinWait();
        }
    }

    @Override
    public long[] usage() {
        long cpu = readLong(dir("cpuacct").resolve("cpuacct.usage"));
        long mem = readLong(dir("memory").resolve("memory.usage_in_bytes"));
        long inactive = 0;
        try {
            for (String l : Files.readAllLines(dir("memory").resolve("memory.stat"))) {
                if (l.startsWith("total_inactive_file ")) inactive = Long.parseLong(l.substring(20).trim());
            }
        } catch (IOException | NumberFormatException e) {
            // leave 0
        }
        return new long[] {cpu, mem, Math.max(0, mem - inactive)};
    }

    private static long readLong(Path p) {
        try {
            return Long.parseLong(Files.readString(p).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public void destroy() {
        for (String c : CONTROLLERS) {
            try {
                Files.deleteIfExists(dir(c));
            } catch (IOException e) {
                throw new IllegalStateException("remove cgroup " + dir(c) + ": " + e, e);
            }
        }
    }

    @Override
    public Path path() {
        return dir("memory");
    }

    private static void write(Path file, Object value) {
        try {
            Files.writeString(file, value.toString());
        } catch (IOException e) {
            throw new IllegalStateException("write " + file + ": " + e.getMessage(), e);
        }
    }
}
