package io.jcri.runtime.security;

import java.util.Optional;

/** The ABIs an x86_64 kernel reports in {@code seccomp_data.arch} (and, for x32, in the syscall number). */
public enum SeccompArch {
    X86_64("SCMP_ARCH_X86_64", SeccompArch.AUDIT_ARCH_X86_64, 0, SyscallTable.X86_64),
    X86("SCMP_ARCH_X86", 0x40000003, 0, SyscallTable.I386),
    X32("SCMP_ARCH_X32", SeccompArch.AUDIT_ARCH_X86_64, SeccompArch.X32_SYSCALL_BIT, SyscallTable.X32);

    public static final int AUDIT_ARCH_X86_64 = 0xC000003E;
    public static final int AUDIT_ARCH_I386 = 0x40000003;
    public static final int X32_SYSCALL_BIT = 0x40000000;

    private final String ociName;
    private final int auditArch;
    private final int syscallBase;
    private final SyscallTable table;

    SeccompArch(String ociName, int auditArch, int syscallBase, SyscallTable table) {
        this.ociName = ociName;
        this.auditArch = auditArch;
        this.syscallBase = syscallBase;
        this.table = table;
    }

    public String ociName() {
        return ociName;
    }

    public int auditArch() {
        return auditArch;
    }

    /** The number the kernel puts in {@code seccomp_data.nr} for this syscall, if the ABI has it. */
    public Optional<Integer> syscallNumber(String name) {
        var nr = table.number(name);
        return nr.isPresent() ? Optional.of(nr.getAsInt() + syscallBase) : Optional.empty();
    }

    /** Empty for architectures of other machines (e.g. SCMP_ARCH_AARCH64), which a filter here ignores. */
    public static Optional<SeccompArch> fromOci(String name) {
        for (SeccompArch arch : values()) {
            if (arch.ociName.equals(name)) {
                return Optional.of(arch);
            }
        }
        return Optional.empty();
    }
}
