package io.jcri.runtime.launch;

import io.jcri.runtime.sys.Native;
import io.jcri.runtime.sys.Sc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The daemon's own cgroup v1 "tasks" files, opened before a launch thread joins a container's cgroups, so that the
 * thread can move itself back after spawning, by fd, even from inside the container's root. Otherwise the dying
 * thread lingers in the container's cgroup: it keeps the cgroup busy and, worse, makes the JVM a member that a
 * kill-all would shoot. The thread writes "0" (itself), as it did to join: see {@link
 * io.jcri.runtime.cgroup.Cgroup#addCurrentThread} for why that is far cheaper than its id.
 */
final class HomeCgroup implements AutoCloseable {
    private static final byte[] SELF = "0".getBytes(StandardCharsets.US_ASCII);

    private final List<Integer> fds = new ArrayList<>();

    /** @param tid the calling thread's id, whose cgroups are its home */
    HomeCgroup(int tid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/task/" + tid + "/cgroup"))) {
                String[] parts = line.split(":", 3);
                if (parts.length < 3 || parts[1].isEmpty() || parts[1].startsWith("name=")) continue;
                String controller = parts[1].split(",")[0];
                Path tasks = Path.of("/sys/fs/cgroup", controller, parts[2], "tasks");
                int fd = Native.C.open(tasks.toString(), Sc.O_WRONLY | Sc.O_CLOEXEC, 0);
                if (fd >= 0) fds.add(fd);
            }
        } catch (IOException e) {
            // no v1 hierarchy: nothing to return to
        }
    }

    /** Moves the calling thread back; allocation-free and exception-free. */
    void returnThread() {
        for (int fd : fds) Native.C.write(fd, SELF, SELF.length);
    }

    @Override
    public void close() {
        for (int fd : fds) Native.closeQuietly(fd);
        fds.clear();
    }
}
