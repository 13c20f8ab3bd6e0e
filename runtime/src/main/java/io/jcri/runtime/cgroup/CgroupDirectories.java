package io.jcri.runtime.cgroup;

import io.jcri.runtime.sys.Native;
import io.jcri.runtime.sys.Sc;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Removing cgroup directories: rmdir bottom-up. rmdir fails with EBUSY while a task is still leaving (killed,
 * not yet past its cgroup exit); then we wait on the pidfds of the processes the cgroup still lists, which become
 * readable once they are gone, and try again.
 */
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
        remove(dir, System.nanoTime() + REMOVE_TIMEOUT.toNanos());
    }

    private static void remove(Path dir, long deadline) {
        long backOffNanos = 100_000;
        while (true) {
            IOException failure;
            try {
                // the usual case, a leaf whose processes are gone: one rmdir, no walk over the control files
                // (a cgroup directory is never empty: rmdir does not need, and cgroupfs refuses, unlinking them)
                Files.delete(dir);
                return;
            } catch (NoSuchFileException e) {
                return;
            } catch (IOException e) {
                failure = e;
            }
            List<Path> children;
            try {
                children = subdirectories(dir);
            } catch (NoSuchFileException e) {
                return;
            } catch (IOException e) {
                failure.addSuppressed(e);
                children = List.of();
            }
            if (!children.isEmpty()) {
                for (Path child : children) {
                    remove(child, deadline);
                }
                continue;
            }
            if (System.nanoTime() > deadline) {
                throw new CgroupException("cannot remove cgroup " + dir + " (processes still in it?): "
                        + failure.getMessage(), failure);
            }
            if (!awaitTasksGone(dir, deadline)) {
                sleep(Math.min(backOffNanos, deadline - System.nanoTime()));
                backOffNanos = Math.min(10_000_000, backOffNanos * 2);
            }
        }
    }

    /** The child cgroups of {@code dir} (its control files are regular files). */
    private static List<Path> subdirectories(Path dir) throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, Files::isDirectory)) {
            entries.forEach(dirs::add);
        }
        return dirs;
    }

    /**
     * Waits until the processes listed in the cgroup have exited (their pidfds become readable after the kernel
     * took them out of the cgroup), or the deadline. When none is listed although rmdir said busy (our own JVM's
     * launch thread finishing its exit on v1, whose tgid is this process, or a task between exit stages), there is
     * no event to wait on: returns false, and the caller backs off for a moment (from 0.1 ms, doubling).
     */
    private static boolean awaitTasksGone(Path dir, long deadline) {
        List<Long> pids;
        try {
            pids = CgroupFiles.readIds(dir, "cgroup.procs");
        } catch (CgroupException e) {
            return true; // removed meanwhile: the caller's rmdir tells
        }
        long self = ProcessHandle.current().pid();
        boolean waited = false;
        for (long pid : pids) {
            if (pid == self) {
                continue;
            }
            int pidfd = (int) Native.C.syscall(Sc.PIDFD_OPEN, pid, 0, 0, 0, 0, 0);
            if (pidfd < 0) {
                continue; // ESRCH: already gone
            }
            try {
                Native.awaitReadable(pidfd, deadline);
                waited = true;
            } finally {
                Native.closeQuietly(pidfd);
            }
        }
        return waited;
    }

    private static void sleep(long nanos) {
        try {
            long n = Math.max(0, nanos);
            Thread.sleep(n / 1_000_000, (int) (n % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CgroupException("interrupted while waiting on a cgroup");
        }
    }

    /** A pause between polls of a kernel state that has no notification (the freezer's FREEZING). */
    static void pause(long nanos) {
        sleep(nanos);
    }
}
