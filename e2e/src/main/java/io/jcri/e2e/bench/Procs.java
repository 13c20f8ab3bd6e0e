package io.jcri.e2e.bench;

import io.jcri.e2e.harness.ProcTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/** Reads /proc: processes by command line, and their memory from smaps_rollup. */
final class Procs {
    private Procs() {
    }

    /** RSS and PSS in KiB, summed over processes; {@code count} is how many were read. */
    record Memory(long rssKb, long pssKb, int count) {
        Memory plus(Memory o) {
            return new Memory(rssKb + o.rssKb, pssKb + o.pssKb, count + o.count);
        }

        double rssMib() {
            return rssKb / 1024.0;
        }

        double pssMib() {
            return pssKb / 1024.0;
        }
    }

    /** The command line's arguments, or an empty list if the process is gone. */
    static List<String> cmdline(long pid) {
        return ProcTable.cmdline(pid);
    }

    /** Every live process whose command line matches. */
    static List<Long> find(Predicate<List<String>> match) {
        return ProcTable.find(match);
    }

    /** The PIDs in a cgroup directory and every cgroup below it. */
    static List<Long> inCgroupTree(Path dir) {
        List<Long> pids = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return pids;
        }
        try (var walk = Files.walk(dir)) {
            for (Path procs : walk.filter(p -> p.getFileName().toString().equals("cgroup.procs")).toList()) {
                try {
                    for (String line : Files.readAllLines(procs)) {
                        if (!line.isBlank()) {
                            pids.add(Long.parseLong(line.trim()));
                        }
                    }
                } catch (IOException e) {
                    // the cgroup went away while walking
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // the tree changed while walking; what was read is what there is
        }
        return pids;
    }

    /** Sums Rss and Pss of /proc/PID/smaps_rollup over the processes (ones that exited meanwhile are skipped). */
    static Memory memory(Collection<Long> pids) {
        long rss = 0;
        long pss = 0;
        int n = 0;
        for (long pid : pids) {
            try {
                long r = -1;
                long s = -1;
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
                    if (line.startsWith("Rss:")) {
                        r = kb(line);
                    } else if (line.startsWith("Pss:")) {
                        s = kb(line);
                    }
                }
                if (r >= 0 && s >= 0) {
                    rss += r;
                    pss += s;
                    n++;
                }
            } catch (IOException e) {
                // exited
            }
        }
        return new Memory(rss, pss, n);
    }

    private static long kb(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    static long parentPid(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("PPid:")) {
                    return kb(line);
                }
            }
        } catch (IOException e) {
            // exited
        }
        return -1;
    }

    /** Every live process's parent PID (from /proc/PID/stat; processes that exit while reading are left out). */
    static Map<Long, Long> parents() {
        Map<Long, Long> parents = new HashMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString()
                .chars().allMatch(Character::isDigit))) {
            for (Path p : ds) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    parents.put(Long.parseLong(p.getFileName().toString()), Long.parseLong(f[1]));
                } catch (IOException e) {
                    // exited
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return parents;
    }

    /** The given processes and all their live descendants. */
    static Set<Long> withDescendants(Collection<Long> roots) {
        Map<Long, Long> parents = parents();
        Set<Long> all = new HashSet<>(roots);
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Map.Entry<Long, Long> e : parents.entrySet()) {
                if (all.contains(e.getValue()) && all.add(e.getKey())) {
                    grew = true;
                }
            }
        }
        return all;
    }

    /** Runs a command, returns its combined output; fails on a non-zero exit unless {@code check} is false. */
    static String run(boolean check, String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.waitFor();
            if (check && rc != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " exited " + rc + ": " + out);
            }
            return out;
        } catch (IOException e) {
            if (check) {
                throw new IllegalStateException(String.join(" ", cmd) + ": " + e, e);
            }
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Total bytes of regular files under a directory (not following links); 0 if it does not exist. */
    static long treeBytes(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        long[] sum = {0};
        try {
            Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult visitFile(Path file,
                        java.nio.file.attribute.BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        sum[0] += attrs.size();
                    }
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // partial sum
        }
        return sum[0];
    }
}
