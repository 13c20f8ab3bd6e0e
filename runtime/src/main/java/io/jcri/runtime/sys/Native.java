package io.jcri.runtime.sys;

import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.LastError;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

import java.nio.charset.StandardCharsets;

/**
 * The one loaded libc binding plus errno-checking helpers.
 *
 * <p>Loading is done once, eagerly, on an ordinary thread: the binding class is generated then (~0.3 s in a fresh
 * JVM), and the first direct allocation starts jnr's helper thread, which a launch thread inside a new PID
 * namespace could no longer create.
 */
public final class Native {
    static {
        // jnr-ffi's x86 asm stubs corrupt the 6th integer argument: force the libffi path before loading.
        System.setProperty("jnr.ffi.x86asm.enabled", "false");
    }

    public static final LibC C = LibraryLoader.create(LibC.class).option(LibraryOption.LoadNow, true)
            .option(LibraryOption.SaveError, true).load("c");
    public static final Runtime RT = Runtime.getRuntime(C);

    static {
        allocate(64); // warm-up: starts jnr's memory helper thread now, on a normal thread
        errno(); // loads jnr's errno classes before any launch thread could need them after pivot_root
    }

    private Native() {}

    public static void init() {
        // class initialisation does the work
    }

    public static int errno() {
        return LastError.getLastError(RT);
    }

    public static int check(int rc, String what) {
        if (rc < 0) throw new NativeException(what, errno());
        return rc;
    }

    public static long check(long rc, String what) {
        if (rc < 0) throw new NativeException(what, errno());
        return rc;
    }

    public static long syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
        return C.syscall(nr, a1, a2, a3, a4, a5, a6);
    }

    public static int gettid() {
        return (int) C.syscall(Sc.GETTID, 0, 0, 0, 0, 0, 0);
    }

    public static Pointer allocate(long size) {
        Pointer p = Memory.allocateDirect(RT, size, true);
        p.setMemory(0, size, (byte) 0);
        return p;
    }

    public static Pointer cstring(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        Pointer p = allocate(b.length + 1);
        p.put(0, b, 0, b.length);
        return p;
    }

    public static void closeQuietly(int fd) {
        if (fd >= 0) C.close(fd);
    }

    /** Waits until {@code fd} is readable (a pidfd: its process exited) or {@code deadline} (System.nanoTime) passed. */
    public static void awaitReadable(int fd, long deadline) {
        Pointer pfd = allocate(8);
        pfd.putInt(0, fd);
        pfd.putShort(4, Sc.POLLIN);
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            pfd.putShort(6, (short) 0);
            int n = C.poll(pfd, 1, (int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
            if (n != 0 && (n > 0 || errno() != Sc.EINTR)) {
                return;
            }
        }
    }

    public static int pidfdOpen(long pid, int flags) {
        return (int) check(C.syscall(Sc.PIDFD_OPEN, pid, flags, 0, 0, 0, 0), "pidfd_open(" + pid + ")");
    }

    /**
     * The PID namespace the calling thread's children will be born in. Unlike
     * /proc/thread-self/ns/pid_for_children (ENOENT until the namespace has an init), this works right after
     * unshare(CLONE_NEWPID).
     */
    public static int pidNamespaceForChildren() {
        int pidfd = (int) check(C.syscall(Sc.PIDFD_OPEN, gettid(), Sc.PIDFD_THREAD, 0, 0, 0, 0), "pidfd_open(thread)");
        try {
            return check(C.ioctl(pidfd, Sc.PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE, 0L), "PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE");
        } finally {
            C.close(pidfd);
        }
    }

    /** Opens {@code path} with O_CLOEXEC added. */
    public static int open(String path, int flags, int mode) {
        return check(C.open(path, flags | Sc.O_CLOEXEC, mode), "open " + path);
    }

    public static void mount(String source, String target, String type, long flags, String data) {
        check(C.mount(source, target, type, flags, data), "mount " + source + " on " + target);
    }

    /** A pipe with both ends close-on-exec: [read, write]. */
    public static int[] pipe() {
        int[] fds = new int[2];
        check(C.pipe2(fds, Sc.O_CLOEXEC), "pipe2");
        return fds;
    }
}
