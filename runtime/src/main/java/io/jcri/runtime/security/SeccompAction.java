package io.jcri.runtime.security;

/** What the filter returns for a syscall; {@code data} is the errno for ERRNO and the message for TRACE. */
public record SeccompAction(Kind kind, int data) {
    public static final int EPERM = 1;
    public static final int ENOSYS = 38;

    public static final SeccompAction ALLOW = new SeccompAction(Kind.ALLOW, 0);
    public static final SeccompAction KILL_PROCESS = new SeccompAction(Kind.KILL_PROCESS, 0);

    public enum Kind {
        KILL_PROCESS(0x80000000),
        KILL_THREAD(0x00000000),
        TRAP(0x00030000),
        ERRNO(0x00050000),
        TRACE(0x7ff00000),
        LOG(0x7ffc0000),
        ALLOW(0x7fff0000);

        final int ret;

        Kind(int ret) {
            this.ret = ret;
        }
    }

    public static SeccompAction errno(int errno) {
        return new SeccompAction(Kind.ERRNO, errno);
    }

    /** The {@code SECCOMP_RET_*} value of this action. */
    public int returnValue() {
        return kind.ret | (data & 0xffff);
    }

    /**
     * Parses an OCI action name. {@code errnoRet} is used by ERRNO (EPERM when absent, as runc does) and TRACE.
     */
    public static SeccompAction fromOci(String name, Integer errnoRet) {
        return switch (name) {
            case "SCMP_ACT_ALLOW" -> ALLOW;
            case "SCMP_ACT_ERRNO" -> errno(errnoRet == null ? EPERM : errnoRet);
            case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD" -> new SeccompAction(Kind.KILL_THREAD, 0);
            case "SCMP_ACT_KILL_PROCESS" -> KILL_PROCESS;
            case "SCMP_ACT_TRAP" -> new SeccompAction(Kind.TRAP, 0);
            case "SCMP_ACT_LOG" -> new SeccompAction(Kind.LOG, 0);
            case "SCMP_ACT_TRACE" -> new SeccompAction(Kind.TRACE, errnoRet == null ? EPERM : errnoRet);
            case "SCMP_ACT_NOTIFY" -> throw new IllegalArgumentException(
                    "seccomp action SCMP_ACT_NOTIFY needs a seccomp agent, which jcri does not support");
            default -> throw new IllegalArgumentException("unknown seccomp action \"" + name + "\"");
        };
    }
}
