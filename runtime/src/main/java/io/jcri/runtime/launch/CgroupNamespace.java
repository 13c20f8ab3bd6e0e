package io.jcri.runtime.launch;

import io.jcri.runtime.cgroup.Cgroup;
import io.jcri.runtime.sys.InitElf;
import io.jcri.runtime.sys.Native;
import io.jcri.runtime.sys.NativeException;
import io.jcri.runtime.sys.Sc;
import io.jcri.runtime.sys.SyscallProgram;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

/**
 * A cgroup namespace rooted at a container's cgroup v2, for the launch thread to join ({@code setns}) before it
 * mounts the container's /sys/fs/cgroup and spawns. A cgroup namespace's root is the cgroup of the task that
 * creates it, and a JVM thread is always in its process's v2 cgroup; so a short-lived process creates it: the
 * {@link InitElf} helper, started outside the container, waits until it has been written to the cgroup's
 * cgroup.procs, unshares CLONE_NEWCGROUP, reports, and exits (and is reaped) once the launch is over: until the
 * container's own process is in the cgroup, it is the cgroup's only process, and with the systemd driver a scope
 * whose last process leaves is stopped and its cgroup removed by systemd.
 * (runc's init does the same from inside: it unshares the cgroup namespace after its parent moved it.)
 * About half a millisecond per launch, v2 only.
 */
final class CgroupNamespace {
    private static final int F_DUPFD_CLOEXEC = 1030;
    private static final int FIRST_FREE_FD = 10; // above the helper's 3..6, so no dup2 overwrites a source

    private CgroupNamespace() {}

    /** A new cgroup namespace, and its helper, held in the cgroup until {@link #close()}. */
    static final class Created implements AutoCloseable {
        /** O_CLOEXEC fd of the namespace; the caller owns it (and closes it). */
        final int fd;
        private int go;
        private final int pid;

        private Created(int fd, int go, int pid) {
            this.fd = fd;
            this.go = go;
            this.pid = pid;
        }

        /** EOF on the helper's fd 5: its last read returns and it exits; reaped here. May be called again. */
        @Override
        public void close() {
            if (go < 0) return;
            Native.closeQuietly(go);
            go = -1;
            Native.C.syscall(Sc.WAITID, 1 /* P_PID */, pid, 0, Sc.WEXITED, 0, 0);
        }
    }

    /** A cgroup namespace whose root is {@code cgroup}; the caller closes its fd and, once its child is in, it. */
    static Created create(Path helper, Cgroup cgroup) {
        int[] program = null, error = null, go = null, ready = null;
        SpawnArgs spawn = null;
        int pid = -1;
        boolean ok = false;
        try {
            program = highPipe();
            error = highPipe();
            go = highPipe();
            ready = highPipe();
            byte[] image = program().serialize(InitElf.BUFFER);
            if (Native.C.write(program[1], image, image.length) != image.length)
                throw new NativeException("write cgroup namespace program", Native.errno());
            closeEnd(program, 1);
            spawn = new SpawnArgs(helper.toString(), List.of("jcri-cgroupns"), List.of(), new int[] {-1, -1, -1},
                    new int[][] {{program[0], 3}, {error[1], 4}, {go[0], 5}, {ready[1], 6}}, false);
            spawn.finish();
            if (!spawn.spawn()) throw spawn.failure();
            pid = spawn.spawnedPid;
            closeEnd(program, 0);
            closeEnd(error, 1);
            closeEnd(go, 0);
            closeEnd(ready, 1);
            cgroup.addProcess(pid);
            if (Native.C.write(go[1], new byte[] {1}, 1) != 1)
                throw new NativeException("release the cgroup namespace helper", Native.errno());
            byte[] b = new byte[1];
            long n;
            do {
                n = Native.C.read(ready[0], b, 1);
            } while (n < 0 && Native.errno() == Sc.EINTR);
            if (n != 1) throw helperFailure(error[0]);
            int fd = Native.open("/proc/" + pid + "/ns/cgroup", Sc.O_RDONLY, 0);
            Created created = new Created(fd, go[1], pid);
            go[1] = -1;
            ok = true;
            return created;
        } finally {
            if (!ok) {
                if (go != null) closeEnd(go, 1); // EOF: the helper's last read returns and it exits
                if (pid > 0) {
                    Native.C.kill(pid, Sc.SIGKILL);
                    Native.C.syscall(Sc.WAITID, 1 /* P_PID */, pid, 0, Sc.WEXITED, 0, 0);
                }
            }
            for (int[] p : new int[][] {program, error, go, ready}) {
                if (p != null) for (int fd : p) Native.closeQuietly(fd);
            }
            if (spawn != null) spawn.destroy();
        }
    }

    /** fd 5: "you are in the cgroup" (then EOF: exit); fd 6: "the namespace exists"; failures go to fd 4. */
    private static SyscallProgram program() {
        SyscallProgram p = new SyscallProgram();
        SyscallProgram.Ref buf = p.bytes(new byte[8]);
        p.call("wait until in the cgroup", Sc.READ, 5L, buf, 1L);
        p.call("unshare CLONE_NEWCGROUP", Sc.UNSHARE, (long) Sc.CLONE_NEWCGROUP);
        p.call("report the namespace", Sc.WRITE, 6L, buf, 1L);
        p.call("wait until the namespace is held", Sc.READ, 5L, buf, 1L);
        p.call("exit", Sc.EXIT_GROUP, 0L);
        return p;
    }

    private static NativeException helperFailure(int errorFd) {
        byte[] report = new byte[16];
        long n = Native.C.read(errorFd, report, report.length);
        if (n != 16) return new NativeException("cgroup namespace helper ended without a report", Sc.ESRCH);
        ByteBuffer b = ByteBuffer.wrap(report).order(ByteOrder.LITTLE_ENDIAN);
        long rc = b.getLong();
        int step = InitElf.entryIndex(b.getLong());
        return new NativeException("cgroup namespace helper: " + program().label(step), (int) -rc);
    }

    /** A close-on-exec pipe whose fds are at least {@link #FIRST_FREE_FD}. */
    private static int[] highPipe() {
        int[] p = Native.pipe();
        for (int i = 0; i < 2; i++) {
            int high = Native.C.fcntl(p[i], F_DUPFD_CLOEXEC, FIRST_FREE_FD);
            if (high < 0) {
                int errno = Native.errno();
                Native.closeQuietly(p[0]);
                Native.closeQuietly(p[1]);
                throw new NativeException("dup pipe", errno);
            }
            Native.closeQuietly(p[i]);
            p[i] = high;
        }
        return p;
    }

    private static void closeEnd(int[] pipe, int end) {
        Native.closeQuietly(pipe[end]);
        pipe[end] = -1;
    }
}
