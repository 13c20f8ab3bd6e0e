package io.jcri.runtime.sys;

/** Short names for the errno values that show up in this runtime's error messages. */
final class Errno {
    private Errno() {}

    private static final String[] NAMES = {"0", "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG",
            "ENOEXEC", "EBADF", "ECHILD", "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST",
            "EXDEV", "ENODEV", "ENOTDIR", "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG",
            "ENOSPC", "ESPIPE", "EROFS", "EMLINK", "EPIPE"};

    static String name(int errno) {
        if (errno >= 0 && errno < NAMES.length) return NAMES[errno];
        return errno == 38 ? "ENOSYS" : errno == 95 ? "EOPNOTSUPP" : "errno" + errno;
    }
}
