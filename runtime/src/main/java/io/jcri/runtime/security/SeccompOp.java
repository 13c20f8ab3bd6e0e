package io.jcri.runtime.security;

/** Comparison of a syscall argument, as libseccomp's {@code scmp_compare}. All comparisons are unsigned 64-bit. */
public enum SeccompOp {
    NE, LT, LE, EQ, GE, GT, MASKED_EQ;

    public static SeccompOp fromOci(String name) {
        if (name == null || !name.startsWith("SCMP_CMP_")) {
            throw new IllegalArgumentException("unknown seccomp comparison \"" + name + "\"");
        }
        try {
            return valueOf(name.substring("SCMP_CMP_".length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown seccomp comparison \"" + name + "\"");
        }
    }
}
