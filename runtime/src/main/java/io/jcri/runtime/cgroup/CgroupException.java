package io.jcri.runtime.cgroup;

/** A cgroupfs operation the kernel refused; the message names the file and value. */
public class CgroupException extends RuntimeException {
    public CgroupException(String message, Throwable cause) {
        super(message, cause);
    }

    public CgroupException(String message) {
        super(message);
    }
}
