package io.jcri.runtime.launch;

import io.jcri.runtime.sys.Native;
import io.jcri.runtime.sys.NativeException;
import io.jcri.runtime.sys.Sc;
import java.lang.ref.Reference;
import java.nio.file.Path;
import jnr.ffi.Pointer;

/**
 * A bind mount's host source opened once, as an O_PATH descriptor, and mounted through that descriptor
 * ({@code /proc/self/fd/N}, or open_tree on it) instead of by its path again. The path the daemon checked is fully
 * resolved (no symlink in it), so it is opened with openat2's RESOLVE_NO_SYMLINKS: a component swapped for a
 * symlink after the check (into jcri's own directories, say) makes the open fail with ELOOP instead of being
 * followed, and what gets mounted is the object that was there when it was opened.
 */
final class MountSource implements AutoCloseable {
    private static final long OPENAT2 = 437;
    private static final long RESOLVE_NO_SYMLINKS = 0x04, RESOLVE_NO_MAGICLINKS = 0x02;
    static final int AT_EMPTY_PATH = 0x1000;

    final int fd;
    final Path path;

    private MountSource(int fd, Path path) {
        this.fd = fd;
        this.path = path;
    }

    static MountSource open(Path hostPath) {
        Pointer how = Native.allocate(24); // struct open_how { u64 flags; u64 mode; u64 resolve; }
        // no O_NOFOLLOW: with it (and O_PATH) a trailing symlink would be opened itself instead of refused
        how.putLong(0, Sc.O_PATH | Sc.O_CLOEXEC);
        how.putLong(16, RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
        Pointer p = Native.cstring(hostPath.toString());
        try {
            long fd = Native.syscall(OPENAT2, -100 /* AT_FDCWD */, p.address(), how.address(), 24, 0, 0);
            if (fd < 0) {
                int errno = Native.errno();
                throw new NativeException("mount source " + hostPath + (errno == 40 /* ELOOP */
                        ? " became a symbolic link after it was checked" : ""), errno);
            }
            return new MountSource((int) fd, hostPath);
        } finally {
            Reference.reachabilityFence(p);
            Reference.reachabilityFence(how);
        }
    }

    /** The descriptor as a path mount(2) takes for a bind mount. */
    String procPath() {
        return "/proc/self/fd/" + fd;
    }

    boolean isDirectory() {
        return java.nio.file.Files.isDirectory(Path.of(procPath()));
    }

    @Override
    public void close() {
        Native.closeQuietly(fd);
    }
}
