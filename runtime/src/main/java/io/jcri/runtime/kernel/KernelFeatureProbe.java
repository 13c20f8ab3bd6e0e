package io.jcri.runtime.kernel;

import io.jcri.runtime.sys.Native;
import io.jcri.runtime.sys.Sc;
import jnr.ffi.Pointer;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

/**
 * Asks the kernel, once, for each {@link KernelFeature}: each probe is a call that cannot change anything (bad
 * arguments the kernel rejects differently with and without the feature, a file descriptor opened and closed, a
 * parameter set on an fs context that is never created). Never a version comparison: distributions backport.
 */
final class KernelFeatureProbe {
    private static final long CLONE3 = 435;
    private static final long CLONE_INTO_CGROUP_FLAG = 0x200000000L;
    private static final long PIDFD_GET_INFO = 0xC040FF0BL; // _IOWR(0xFF, 11, struct pidfd_info[64])
    private static final int AT_FDCWD = -100;

    private KernelFeatureProbe() {
    }

    static KernelFeatures probe() {
        Native.init();
        EnumSet<KernelFeature> present = EnumSet.noneOf(KernelFeature.class);
        if (threadPidfd()) present.add(KernelFeature.PIDFD_THREAD);
        if (pidfdNamespaceIoctl()) present.add(KernelFeature.PIDFD_NAMESPACE);
        if (fsconfig()) present.add(KernelFeature.FSCONFIG);
        // before 6.5 overlayfs has no fs_context of its own: the legacy one takes any key (and fails at create)
        if (fsParameter("overlay", "lowerdir+", "/") && !fsParameter("overlay", "jcri-no-such-parameter", "/"))
            present.add(KernelFeature.OVERLAY_LOWERDIR_PLUS);
        if (procPidns()) present.add(KernelFeature.PROC_PIDNS);
        if (pidfdInfo()) present.add(KernelFeature.PIDFD_INFO_EXIT);
        if (cgroupKill()) present.add(KernelFeature.CGROUP_KILL);
        if (syscallExists(Sc.MOUNT_SETATTR, AT_FDCWD, 0, 0, 0, 0)) present.add(KernelFeature.MOUNT_SETATTR);
        if (syscallExists(Sc.OPEN_TREE, -1, 0, 0, 0, 0)) present.add(KernelFeature.OPEN_TREE);
        if (cloneIntoCgroup()) present.add(KernelFeature.CLONE_INTO_CGROUP);
        return new KernelFeatures(release(), present);
    }

    private static String release() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Fails with ENOSYS only where the syscall does not exist (the arguments are invalid on purpose). */
    private static boolean syscallExists(long nr, long a1, long a2, long a3, long a4, long a5) {
        long rc = Native.syscall(nr, a1, a2, a3, a4, a5, 0);
        int errno = Native.errno();
        if (rc >= 0) Native.closeQuietly((int) rc);
        return rc >= 0 || errno != Sc.ENOSYS;
    }

    /** Before 6.9 PIDFD_THREAD (O_EXCL) is an unknown flag: EINVAL. */
    private static boolean threadPidfd() {
        int fd = (int) Native.syscall(Sc.PIDFD_OPEN, Native.gettid(), Sc.PIDFD_THREAD, 0, 0, 0, 0);
        Native.closeQuietly(fd);
        return fd >= 0;
    }

    /** Before 6.11 a pidfd has no ioctls: ENOTTY. Our own process's: the host's PID namespace, closed again. */
    private static boolean pidfdNamespaceIoctl() {
        int pidfd = (int) Native.syscall(Sc.PIDFD_OPEN, ProcessHandle.current().pid(), 0, 0, 0, 0, 0);
        if (pidfd < 0) return false;
        try {
            int ns = Native.C.ioctl(pidfd, Sc.PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE, 0L);
            Native.closeQuietly(ns);
            return ns >= 0;
        } finally {
            Native.closeQuietly(pidfd);
        }
    }

    /** PIDFD_GET_INFO (6.13, with the exit information it keeps once the process is reaped). */
    private static boolean pidfdInfo() {
        int pidfd = (int) Native.syscall(Sc.PIDFD_OPEN, ProcessHandle.current().pid(), 0, 0, 0, 0, 0);
        if (pidfd < 0) return false;
        Pointer info = Native.allocate(64);
        try {
            info.putLong(0, 0x8); // PIDFD_INFO_EXIT asked for; a live process answers without it
            return Native.C.ioctl(pidfd, PIDFD_GET_INFO, info.address()) == 0;
        } finally {
            Native.closeQuietly(pidfd);
            Reference.reachabilityFence(info);
        }
    }

    private static boolean fsconfig() {
        Pointer proc = Native.cstring("proc");
        try {
            int fs = (int) Native.syscall(Sc.FSOPEN, proc.address(), Sc.FSOPEN_CLOEXEC, 0, 0, 0, 0);
            Native.closeQuietly(fs);
            return fs >= 0;
        } finally {
            Reference.reachabilityFence(proc);
        }
    }

    /** Whether filesystem {@code type} takes string parameter {@code key} (never creates the filesystem). */
    private static boolean fsParameter(String type, String key, String value) {
        Pointer t = Native.cstring(type), k = Native.cstring(key), v = Native.cstring(value);
        int fs = (int) Native.syscall(Sc.FSOPEN, t.address(), Sc.FSOPEN_CLOEXEC, 0, 0, 0, 0);
        try {
            return fs >= 0 && Native.syscall(Sc.FSCONFIG, fs, Sc.FSCONFIG_SET_STRING, k.address(), v.address(), 0,
                    0) == 0;
        } finally {
            Native.closeQuietly(fs);
            Reference.reachabilityFence(t);
            Reference.reachabilityFence(k);
            Reference.reachabilityFence(v);
        }
    }

    /** procfs takes "pidns" as a file descriptor parameter (ours: the host's namespace). */
    private static boolean procPidns() {
        Pointer proc = Native.cstring("proc"), key = Native.cstring("pidns");
        int fs = (int) Native.syscall(Sc.FSOPEN, proc.address(), Sc.FSOPEN_CLOEXEC, 0, 0, 0, 0);
        if (fs < 0) return false;
        int ns = Native.C.open("/proc/self/ns/pid", Sc.O_RDONLY | Sc.O_CLOEXEC, 0);
        try {
            return ns >= 0 && Native.syscall(Sc.FSCONFIG, fs, Sc.FSCONFIG_SET_FD, key.address(), 0, ns, 0) == 0;
        } finally {
            Native.closeQuietly(ns);
            Native.closeQuietly(fs);
            Reference.reachabilityFence(proc);
            Reference.reachabilityFence(key);
        }
    }

    /**
     * cgroup.kill exists in every non-root cgroup2 directory of a kernel that has it (the root has none): this
     * process's own cgroup2 cgroup, or else a probe cgroup made and removed at once. No cgroup2 mount (pure v1):
     * false, and nothing would use it.
     */
    private static boolean cgroupKill() {
        Path root = cgroup2Mount();
        if (root == null) return false;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                if (line.startsWith("0::/") && line.length() > 4) {
                    Path own = root.resolve(line.substring(4));
                    if (Files.isDirectory(own)) return Files.exists(own.resolve("cgroup.kill"));
                }
            }
            Path probe = root.resolve("jcri-probe-" + ProcessHandle.current().pid());
            Files.createDirectory(probe);
            try {
                return Files.exists(probe.resolve("cgroup.kill"));
            } finally {
                Files.delete(probe);
            }
        } catch (IOException e) {
            return false; // not ours to look at: freeze-and-kill works everywhere
        }
    }

    private static Path cgroup2Mount() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/mountinfo"));
            for (String line : lines) {
                String[] f = line.split(" ");
                int sep = List.of(f).indexOf("-");
                if (sep > 0 && sep + 1 < f.length && f[sep + 1].equals("cgroup2")) return Path.of(f[4]);
            }
        } catch (IOException e) {
            // no mountinfo: no cgroup2 known
        }
        return null;
    }

    /**
     * clone3 with CLONE_INTO_CGROUP and a struct clone_args of the 5.7 size (88 bytes) whose cgroup field is above
     * INT_MAX: a kernel with CLONE_INTO_CGROUP refuses that value before anything is cloned (EINVAL); one without
     * it refuses the non-zero bytes beyond its shorter struct (E2BIG); one without clone3 says ENOSYS. (Without
     * the flag the kernel would ignore the field and fork: the flag is what makes the value checked.)
     */
    private static boolean cloneIntoCgroup() {
        Pointer args = Native.allocate(88);
        try {
            for (int i = 0; i < 88; i += 8) args.putLong(i, 0);
            args.putLong(0, CLONE_INTO_CGROUP_FLAG);
            args.putLong(80, 1L << 32);
            long rc = Native.syscall(CLONE3, args.address(), 88, 0, 0, 0, 0);
            return rc < 0 && Native.errno() == Sc.EINVAL;
        } finally {
            Reference.reachabilityFence(args);
        }
    }
}
