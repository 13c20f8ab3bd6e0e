package io.jcri.e2e.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The cgroup trees of this run's pods (the cgroup parents kubelet would own): their leftover processes are
 * killed by PID and the directories removed, deepest first, in every hierarchy mounted under /sys/fs/cgroup.
 */
public final class CgroupTrees {
    private static final Path ROOT = Path.of("/sys/fs/cgroup");

    private CgroupTrees() {
    }

    /** Removes every cgroup tree whose top directory starts with {@code prefix}, in every hierarchy. */
    public static void removeTrees(String prefix) throws IOException {
        for (Path hierarchy : hierarchies()) {
            List<Path> trees = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(hierarchy, prefix + "*")) {
                ds.forEach(trees::add);
            } catch (NoSuchFileException | NotDirectoryException gone) {
                continue;
            }
            for (Path tree : trees) {
                if (Files.isDirectory(tree)) {
                    remove(tree);
                }
            }
        }
    }

    /**
     * The mount points of every cgroup (v1) and cgroup2 filesystem, from /proc/self/mountinfo: on a hybrid host
     * each controller's and the unified one, on a pure v2 host /sys/fs/cgroup alone (whose subdirectories are
     * cgroups, not hierarchies).
     */
    static List<Path> hierarchies() throws IOException {
        Set<Path> out = new LinkedHashSet<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            int sep = List.of(f).indexOf("-");
            if (sep > 4 && sep + 1 < f.length && (f[sep + 1].equals("cgroup") || f[sep + 1].equals("cgroup2"))) {
                Path mount = Path.of(f[4].replace("\\040", " "));
                if (mount.startsWith(ROOT)) {
                    out.add(mount);
                }
            }
        }
        return new ArrayList<>(out);
    }

    private static void remove(Path tree) throws IOException {
        List<Path> dirs;
        try (var walk = Files.walk(tree)) {
            dirs = walk.filter(Files::isDirectory).sorted(Comparator.comparingInt(Path::getNameCount).reversed())
                    .toList();
        } catch (NoSuchFileException | UncheckedIOException gone) {
            return; // removed meanwhile (a tree seen through two mounts of one hierarchy)
        }
        for (Path d : dirs) {
            Path procs = d.resolve("cgroup.procs");
            if (Files.exists(procs)) {
                List<String> lines;
                try {
                    lines = Files.readAllLines(procs);
                } catch (NoSuchFileException gone) {
                    continue;
                }
                for (String line : lines) {
                    if (!line.isBlank()) {
                        ProcessHandle.of(Long.parseLong(line.trim())).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
            }
        }
        for (Path d : dirs) {
            for (int attempt = 0; attempt < 50 && Files.exists(d); attempt++) {
                try {
                    Files.delete(d);
                } catch (IOException busy) {
                    // the killed processes are still leaving the cgroup
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }
}
