package io.jcri.runtime.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Removing cgroup directories: rmdir bottom-up, retried while the kernel still reports them busy. */
final class CgroupDirectories {
    static final Duration REMOVE_TIMEOUT = Duration.ofSeconds(10);

    private CgroupDirectories() {
    }

    static void create(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CgroupException("cannot create cgroup " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Removes {@code dir} and any cgroups below it; an already missing directory is fine. */
    static void remove(Path dir) {
        long deadline = System.nanoTime() + REMOVE_TIMEOUT.toNanos();
        while (true) {
            try {
                removeTree(dir);
                return;
            } catch (NoSuchFileException e) {
                return;
            } catch (IOException | java.io.UncheckedIOException e) {
                if (System.nanoTime() > deadline) {
                    throw new CgroupException("cannot remove cgroup " + dir + " (processes still in it?): "
                            + e.getMessage(), e);
                }
                pause();
            }
        }
    }

    private static void removeTree(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> dirs;
        try (Stream<Path> walk = Files.walk(dir)) {
            // cgroupfs control files cannot be removed (and rmdir does not need that): directories only
            dirs = walk.filter(Files::isDirectory).sorted(Comparator.comparingInt(Path::getNameCount).reversed())
                    .toList();
        }
        for (Path d : dirs) {
            try {
                Files.delete(d);
            } catch (NoSuchFileException ignored) {
                // raced with another remover
            }
        }
    }

    /** Short pause between polls of a kernel state that has no notification we can wait on here. */
    static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CgroupException("interrupted while waiting on a cgroup");
        }
    }
}
