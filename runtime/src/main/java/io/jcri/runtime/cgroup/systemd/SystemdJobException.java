package io.jcri.runtime.cgroup.systemd;

import io.jcri.runtime.cgroup.CgroupException;

/** systemd answered, but refused a unit operation or its job failed; the message carries systemd's words. */
public final class SystemdJobException extends CgroupException {
    public SystemdJobException(String message, Throwable cause) {
        super(message, cause);
    }

    public SystemdJobException(String message) {
        super(message);
    }
}
