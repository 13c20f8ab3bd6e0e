package io.jcri.image.unpack;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;

import java.io.IOException;

/**
 * The few libc calls java.nio lacks: device nodes, ownership and times of symlinks, any xattr namespace,
 * setuid/setgid/sticky modes, exact symlink targets, and st_blocks/st_ino for disk usage.
 */
public final class Native {
    /** Overlay whiteouts are char devices 0:0. */
    public static final int S_IFCHR = 0020000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFIFO = 0010000;
    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int ENODATA = 61;
    private static final int EEXIST = 17;
    private static final int O_RDONLY_DIRECTORY_NOFOLLOW_CLOEXEC = 0200000 | 0400000 | 02000000;
    /** {@code _IOR('f', 1, long)} and {@code _IOW('f', 2, long)}; the kernel reads and writes an int. */
    private static final long FS_IOC_GETFLAGS = 0x80086601L;
    private static final long FS_IOC_SETFLAGS = 0x40086602L;
    /** {@code chattr +T}: ext2/3/4 place each new subdirectory in a fresh block group, like those of {@code /}. */
    static final int FS_TOPDIR_FL = 0x00020000;

    public interface LibC {
        @SaveError
        int mknod(String path, int mode, long dev);

        @SaveError
        int lchown(String path, int uid, int gid);

        @SaveError
        int chmod(String path, int mode);

        @SaveError
        int symlink(String target, String linkPath);

        @SaveError
        int lsetxattr(String path, String name, @In byte[] value, long size, int flags);

        @SaveError
        long lgetxattr(String path, String name, @Out byte[] value, long size);

        @SaveError
        int utimensat(int dirfd, String path, @In long[] times, int flags);

        @SaveError
        int lstat(String path, @Out byte[] statBuffer);

        @SaveError
        int open(String path, int flags);

        int close(int fd);

        @SaveError
        int ioctl(int fd, long request, @In @Out int[] arg);

        String strerror(int errnum);
    }

    private static final LibC LIBC;
    private static final Runtime RUNTIME;

    static {
        // jnr-ffi's x86 asm stubs corrupt the 6th integer argument; force the libffi path
        System.setProperty("jnr.ffi.x86asm.enabled", "false");
        LIBC = LibraryLoader.create(LibC.class).load("c");
        RUNTIME = Runtime.getRuntime(LIBC);
    }

    private Native() {
    }

    public static long makedev(long major, long minor) {
        return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8)
                | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
    }

    public static void mknod(String path, int mode, long dev) throws IOException {
        check(LIBC.mknod(path, mode, dev), "mknod", path);
    }

    public static void lchown(String path, int uid, int gid) throws IOException {
        check(LIBC.lchown(path, uid, gid), "lchown", path);
    }

    public static void chmod(String path, int mode) throws IOException {
        check(LIBC.chmod(path, mode), "chmod", path);
    }

    public static void symlink(String target, String linkPath) throws IOException {
        check(LIBC.symlink(target, linkPath), "symlink", linkPath);
    }

    public static void lsetxattr(String path, String name, byte[] value) throws IOException {
        check(LIBC.lsetxattr(path, name, value, value.length, 0), "lsetxattr " + name, path);
    }

    /** The xattr's value, or null when the file has no such attribute. */
    public static byte[] lgetxattr(String path, String name) throws IOException {
        byte[] buf = new byte[65536];
        long n = LIBC.lgetxattr(path, name, buf, buf.length);
        if (n < 0) {
            int errno = LastError.getLastError(RUNTIME);
            if (errno == ENODATA) {
                return null;
            }
            throw new IOException("lgetxattr " + name + " " + path + ": " + LIBC.strerror(errno));
        }
        return java.util.Arrays.copyOf(buf, (int) n);
    }

    /** Sets atime and mtime of the path itself (not a symlink's target). */
    public static void lutimes(String path, long seconds, long nanos) throws IOException {
        long[] times = {seconds, nanos, seconds, nanos};
        check(LIBC.utimensat(AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW), "utimensat", path);
    }

    /**
     * Marks {@code dir} as the top of directory hierarchies ({@code chattr +T}), so that ext4's Orlov allocator
     * spreads its new subdirectories (and with them their files' inodes) over block groups with many free inodes
     * instead of packing them next to {@code dir}. Returns false when the filesystem has no such flag (xfs, btrfs,
     * tmpfs answer ENOTTY, EOPNOTSUPP or EINVAL); other errors are errors.
     */
    public static boolean setTopDir(String dir) throws IOException {
        int fd = LIBC.open(dir, O_RDONLY_DIRECTORY_NOFOLLOW_CLOEXEC);
        if (fd < 0) {
            int errno = LastError.getLastError(RUNTIME);
            throw new IOException("open " + dir + ": " + LIBC.strerror(errno) + " (errno " + errno + ")");
        }
        try {
            int[] flags = new int[1];
            if (LIBC.ioctl(fd, FS_IOC_GETFLAGS, flags) != 0) {
                return unsupportedOrThrow("FS_IOC_GETFLAGS", dir);
            }
            if ((flags[0] & FS_TOPDIR_FL) != 0) {
                return true;
            }
            flags[0] |= FS_TOPDIR_FL;
            if (LIBC.ioctl(fd, FS_IOC_SETFLAGS, flags) != 0) {
                return unsupportedOrThrow("FS_IOC_SETFLAGS", dir);
            }
            return true;
        } finally {
            LIBC.close(fd);
        }
    }

    private static boolean unsupportedOrThrow(String op, String path) throws IOException {
        int errno = LastError.getLastError(RUNTIME);
        if (errno == 25 /* ENOTTY */ || errno == 95 /* EOPNOTSUPP */ || errno == 22 /* EINVAL */) {
            return false;
        }
        throw new IOException(op + " " + path + ": " + LIBC.strerror(errno) + " (errno " + errno + ")");
    }

    /** The inode flags ({@code lsattr}) of a directory, or -1 when the filesystem has none. */
    public static int inodeFlags(String dir) {
        int fd = LIBC.open(dir, O_RDONLY_DIRECTORY_NOFOLLOW_CLOEXEC);
        if (fd < 0) {
            return -1;
        }
        try {
            int[] flags = new int[1];
            return LIBC.ioctl(fd, FS_IOC_GETFLAGS, flags) == 0 ? flags[0] : -1;
        } finally {
            LIBC.close(fd);
        }
    }

    /** st_ino and st_blocks (in 512-byte units) of the path itself; offsets are those of x86_64 and arm64. */
    public static long[] inodeAndBlocks(String path) throws IOException {
        byte[] st = new byte[256];
        check(LIBC.lstat(path, st), "lstat", path);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(st).order(java.nio.ByteOrder.nativeOrder());
        return new long[]{b.getLong(8), b.getLong(64)};
    }

    private static void check(int rc, String op, String path) throws IOException {
        if (rc != 0) {
            int errno = LastError.getLastError(RUNTIME);
            if (errno == EEXIST) {
                throw new java.nio.file.FileAlreadyExistsException(path, null, op + ": " + LIBC.strerror(errno));
            }
            throw new IOException(op + " " + path + ": " + LIBC.strerror(errno) + " (errno " + errno + ")");
        }
    }
}
