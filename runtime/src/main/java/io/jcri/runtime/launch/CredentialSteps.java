package io.jcri.runtime.launch;

import io.jcri.runtime.sys.Sc;
import io.jcri.runtime.sys.SyscallProgram;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Appends the credential and confinement sequence to a program, in runc's order: bounding set, user and groups
 * (keeping capabilities across the uid change), capset, ambient, no_new_privs, seccomp. Raw syscalls only, so
 * that on a JVM launch thread they change that thread alone.
 */
final class CredentialSteps {
    private CredentialSteps() {}

    static void append(SyscallProgram p, LaunchSecurity s) {
        byte[] filter = s.seccompFilter();
        // Without no_new_privs a filter needs CAP_SYS_ADMIN, which the uid change below may take away.
        if (filter != null && !s.noNewPrivs()) seccomp(p, filter, s.seccompFlags());
        for (int cap = 0; cap <= Sc.CAP_LAST_CAP; cap++) {
            if ((s.bounding() & (1L << cap)) == 0)
                p.callTolerating("drop bounding cap " + cap, Sc.EINVAL, Sc.PRCTL, (long) Sc.PR_CAPBSET_DROP,
                        (long) cap);
        }
        p.call("keepcaps", Sc.PRCTL, (long) Sc.PR_SET_KEEPCAPS, 1L);
        ByteBuffer groups = ByteBuffer.allocate(Math.max(4, s.groups().length * 4)).order(ByteOrder.LITTLE_ENDIAN);
        for (long g : s.groups()) groups.putInt((int) g);
        p.call("setgroups", Sc.SETGROUPS, (long) s.groups().length, p.bytes(groups.array()));
        p.call("setresgid " + s.gid(), Sc.SETRESGID, s.gid(), s.gid(), s.gid());
        p.call("setresuid " + s.uid(), Sc.SETRESUID, s.uid(), s.uid(), s.uid());
        p.call("clear keepcaps", Sc.PRCTL, (long) Sc.PR_SET_KEEPCAPS, 0L);
        ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(Sc.LINUX_CAPABILITY_VERSION_3).putInt(0);
        ByteBuffer data = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        for (int word = 0; word < 2; word++) {
            data.putInt((int) (s.effective() >>> (32 * word)));
            data.putInt((int) (s.permitted() >>> (32 * word)));
            data.putInt((int) (s.inheritable() >>> (32 * word)));
        }
        p.call("capset", Sc.CAPSET, p.bytes(header.array()), p.bytes(data.array()));
        for (int cap = 0; cap <= Sc.CAP_LAST_CAP; cap++) {
            if ((s.ambient() & (1L << cap)) != 0)
                p.call("raise ambient cap " + cap, Sc.PRCTL, (long) Sc.PR_CAP_AMBIENT,
                        (long) Sc.PR_CAP_AMBIENT_RAISE, (long) cap, 0L, 0L);
        }
        if (s.noNewPrivs()) p.call("no_new_privs", Sc.PRCTL, (long) Sc.PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L);
        if (filter != null && s.noNewPrivs()) seccomp(p, filter, s.seccompFlags());
    }

    private static void seccomp(SyscallProgram p, byte[] filter, int flags) {
        p.call("seccomp", Sc.SECCOMP, (long) Sc.SECCOMP_SET_MODE_FILTER, (long) flags, p.sockFprog(filter));
    }
}
