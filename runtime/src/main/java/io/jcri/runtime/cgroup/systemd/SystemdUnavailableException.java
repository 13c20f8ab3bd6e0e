package io.jcri.runtime.cgroup.systemd;

/**
 * The systemd cgroup driver is configured but no systemd answers on the system bus: the node's state, not the
 * request's (the CRI layer reports it as FAILED_PRECONDITION, the daemon refuses to start with it).
 */
public final class SystemdUnavailableException extends IllegalStateException {
    public SystemdUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
