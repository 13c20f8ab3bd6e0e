package io.jcri.runtime.launch;

import io.jcri.runtime.CrashPoints;
import io.jcri.runtime.cgroup.Cgroup;
import io.jcri.runtime.sys.Native;
import io.jcri.runtime.sys.NativeException;
import io.jcri.runtime.sys.Sc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * cgroup v2 membership before the first instruction of user code. A thread cannot join a v2 domain cgroup alone,
 * so the child is held at the gate instead: its first posix_spawn file action opens a FIFO for reading (through
 * /proc/self/fd, which resolves in the container's root as well), which blocks until a writer appears. Meanwhile
 * the caller finds the child among the launch thread's children, writes it to cgroup.procs and then opens the
 * writer end (kept open until the spawn returned), which lets the child continue to execve. (glibc 2.39's posix_spawnattr_setcgroup_np would do it
 * directly; Debian 12 has 2.36.)
 * The gate's price: writing a pid to cgroup.procs moves a whole thread group, so the kernel takes the global
 * cgroup_threadgroup_rwsem for write, which after an idle moment waits for an RCU grace period (measured on 6.18,
 * 15 moves 300 ms apart: 7.5 ms median), where clone3 with CLONE_INTO_CGROUP (5.7+) puts the child there at birth
 * for nothing (0.27 ms, a plain fork 0.33 ms). The v1 join avoids the lock by writing "0" (see
 * {@link Cgroup#addCurrentThread}); v2 has no such path, so a clone3-based spawn is what would remove it.
 */
final class CgroupGate implements AutoCloseable {
    /** fd number the child opens the gate into; closefrom() closes it before execve. */
    static final int CHILD_FD = 200;

    private final Path fifo;
    private final int readFd;
    private int writeFd = -1;

    /**
     * @param uid the user the child has when it opens the gate (primary path: credentials are already dropped,
     *            possibly with every capability): the FIFO (mode 0600) is made its own
     */
    CgroupGate(Path fifo, long uid, long gid) {
        this.fifo = fifo;
        try {
            Files.deleteIfExists(fifo);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Native.check(Native.C.mkfifo(fifo.toString(), 0600), "mkfifo " + fifo);
        if (uid != 0 || gid != 0) Native.check(Native.C.chown(fifo.toString(), (int) uid, (int) gid), "chown " + fifo);
        // a reader that never blocks: it only keeps the fd number the child reopens through /proc/self/fd
        readFd = Native.open(fifo.toString(), Sc.O_RDONLY | Sc.O_NONBLOCK, 0);
    }

    /** The path the child opens (blocking) as its first file action. */
    String childPath() {
        return "/proc/self/fd/" + readFd;
    }

    /**
     * Waits for the child of {@code launchThread} (tid published by it), moves it into {@code cgroup} and opens
     * the gate. Returns the child's pid, or -1 if the launch thread ended without spawning.
     */
    long admit(Thread launchThread, java.util.function.IntSupplier tid, Cgroup cgroup) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            int t = tid.getAsInt();
            if (t > 0) {
                long child = firstChild(t);
                if (child > 0) {
                    cgroup.addProcess(child);
                    CrashPoints.reach(CrashPoints.CONTAINER_START_GATED);
                    // Held open until the launch is over: the child may not have reached its open() yet, and a
                    // reader that arrives after the last writer closed would wait for the next one forever.
                    writeFd = Native.open(fifo.toString(), Sc.O_WRONLY, 0);
                    return child;
                }
            }
            if (!launchThread.isAlive()) return -1;
            Thread.onSpinWait();
        }
        throw new NativeException("cgroup gate: no child appeared", Sc.EAGAIN);
    }

    /** Lets a held child go without admitting it (failure path), so that its launch thread can unwind. */
    void release() {
        if (writeFd < 0) writeFd = Native.C.open(fifo.toString(), Sc.O_WRONLY | Sc.O_NONBLOCK | Sc.O_CLOEXEC, 0);
    }

    private static long firstChild(int tid) {
        try {
            String s = Files.readString(Path.of("/proc/self/task/" + tid + "/children")).trim();
            if (s.isEmpty()) return -1;
            return Long.parseLong(s.split(" ")[0]);
        } catch (NoSuchFileException e) {
            return -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        Native.closeQuietly(writeFd);
        Native.closeQuietly(readFd);
        try {
            Files.deleteIfExists(fifo);
        } catch (IOException e) {
            // best effort
        }
    }
}
