package io.jcri.runtime.sys;

/** x86-64 syscall numbers and kernel constants the runtime needs (this runtime targets x86-64 only). */
public final class Sc {
    private Sc() {}

    public static final long READ = 0, WRITE = 1, CLOSE = 3, DUP2 = 33, SETSID = 112, EXECVE = 59, FCNTL = 72,
            CHDIR = 80, SETGROUPS = 116, SETRESUID = 117, SETRESGID = 119, CAPSET = 126, PIVOT_ROOT = 155,
            PRCTL = 157, MOUNT = 165, UMOUNT2 = 166, SETHOSTNAME = 170, GETTID = 186, OPEN = 2, WAITID = 247,
            EXIT_GROUP = 231, SECCOMP = 317, PIDFD_SEND_SIGNAL = 424, OPEN_TREE = 428, MOVE_MOUNT = 429,
            FSOPEN = 430, FSCONFIG = 431, FSMOUNT = 432, PIDFD_OPEN = 434, CLOSE_RANGE = 436, UNSHARE = 272,
            MOUNT_SETATTR = 442;

    // clone/unshare flags
    public static final int CLONE_FS = 0x200, CLONE_NEWNS = 0x20000, CLONE_NEWCGROUP = 0x02000000,
            CLONE_NEWUTS = 0x04000000, CLONE_NEWIPC = 0x08000000, CLONE_NEWPID = 0x20000000,
            CLONE_NEWNET = 0x40000000;

    // mount flags
    public static final long MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_REMOUNT = 32,
            MS_BIND = 4096, MS_MOVE = 8192, MS_REC = 16384, MS_PRIVATE = 1 << 18, MS_SLAVE = 1 << 19,
            MS_SHARED = 1 << 20, MS_STRICTATIME = 1 << 24, MS_RELATIME = 1 << 21;
    public static final int MNT_DETACH = 2;

    // open flags
    public static final int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0100, O_APPEND = 02000,
            O_NOCTTY = 0400, O_NONBLOCK = 04000, O_DIRECTORY = 0200000, O_CLOEXEC = 02000000, O_PATH = 010000000;
    public static final int F_SETFD = 2, FD_CLOEXEC = 1;

    // new mount API
    public static final int OPEN_TREE_CLONE = 1, FSOPEN_CLOEXEC = 1, FSMOUNT_CLOEXEC = 1, FSCONFIG_SET_FLAG = 0,
            FSCONFIG_SET_STRING = 1, FSCONFIG_SET_FD = 5, FSCONFIG_CMD_CREATE = 6, MOVE_MOUNT_F_EMPTY_PATH = 4,
            MOUNT_ATTR_RDONLY = 1, MOUNT_ATTR_NOSUID = 2, MOUNT_ATTR_NODEV = 4, MOUNT_ATTR_NOEXEC = 8,
            AT_RECURSIVE = 0x8000;

    // pidfd
    public static final int PIDFD_THREAD = 0x80; // == O_EXCL
    /** _IO(0xFF, 6): the pid namespace a pidfd's task gives its children (kernel 6.11+). */
    public static final long PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE = 0xFF06;
    public static final int P_PIDFD = 3, WEXITED = 4, WNOHANG = 1, WNOWAIT = 0x01000000;
    public static final int CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3;

    // prctl
    public static final int PR_SET_DUMPABLE = 4, PR_SET_KEEPCAPS = 8, PR_CAPBSET_DROP = 24,
            PR_SET_NO_NEW_PRIVS = 38, PR_CAP_AMBIENT = 47, PR_CAP_AMBIENT_RAISE = 2, PR_CAP_AMBIENT_CLEAR_ALL = 4;
    public static final int SECCOMP_SET_MODE_FILTER = 1;
    public static final int LINUX_CAPABILITY_VERSION_3 = 0x20080522;
    public static final int CAP_LAST_CAP = 40;

    // posix_spawn
    public static final short POSIX_SPAWN_SETSIGMASK = 0x08, POSIX_SPAWN_SETSIGDEF = 0x04,
            POSIX_SPAWN_SETSID = 0x80;

    // tty
    public static final long TIOCGPTN = 0x80045430L, TIOCSPTLCK = 0x40045431L, TIOCSWINSZ = 0x5414;

    public static final short POLLIN = 1;

    // errno
    public static final int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EAGAIN = 11, EEXIST = 17,
            ENOTDIR = 20, EINVAL = 22, ECHILD = 10, ENOSYS = 38;

    public static final int SIGKILL = 9, SIGTERM = 15;

    public static long makedev(int major, int minor) {
        return ((long) (minor & 0xff)) | ((long) (major & 0xfff) << 8) | ((long) (minor & ~0xff) << 12);
    }
}
