package io.jcri.e2e.harness;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

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
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(hierarchy, prefix + "*")) {
                for (Path tree : ds) {
                    if (Files.isDirectory(tree)) {
                        remove(tree);
                    }
                }
            }
        }
    }

    private static List<Path> hierarchies() throws IOException {
        List<Path> out = new java.util.ArrayList<>();
        if (Files.exists(ROOT.resolve("cgroup.controllers"))) {
            out.add(ROOT); // pure v2
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(ROOT)) {
            for (Path p : ds) {
                if (Files.isDirectory(p) && !Files.isSymbolicLink(p)) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    private static void remove(Path tree) throws IOException {
        List<Path> dirs;
        try (var walk = Files.walk(tree)) {
            dirs = walk.filter(Files::isDirectory).sorted(Comparator.comparingInt(Path::getNameCount).reversed())
                    .toList();
        }
        for (Path d : dirs) {
            Path procs = d.resolve("cgroup.procs");
            if (Files.exists(procs)) {
                for (String line : Files.readAllLines(procs)) {
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
