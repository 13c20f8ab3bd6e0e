package io.jcri.runtime.sys;

/** A failed system call, with the errno the kernel returned. */
public final class NativeException extends RuntimeException {
    private final int errno;

    public NativeException(String operation, int errno) {
        super(operation + ": errno " + errno + " (" + Errno.name(errno) + ")");
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
