package io.jcri.runtime.launch;

import io.jcri.runtime.sys.InitElf;
import io.jcri.runtime.sys.Sc;
import io.jcri.runtime.sys.SyscallProgram;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of a launch that runs with the rootfs as working directory, as one {@link SyscallProgram}: (fallback
 * only: mount /proc), masked and read-only paths, pivot_root, read-only rootfs, working directory, credentials,
 * and (fallback only) the stdio/tty fix-ups and execve of the entrypoint.
 */
final class ContainerProgram {
    /** Everything the program needs to know, computed on the caller thread. */
    record Input(boolean procByHelper, List<String> masked, List<String> readonly, Path rootfsView,
                 boolean readonlyRootfs, String cwd, LaunchSecurity security, String executable, List<String> argv,
                 List<String> env, boolean tty) {}

    private ContainerProgram() {}

    static SyscallProgram build(Input in) {
        SyscallProgram p = new SyscallProgram();
        if (in.procByHelper()) {
            p.call("mount proc", Sc.MOUNT, p.cstr("proc"), p.cstr("proc"), p.cstr("proc"),
                    Sc.MS_NOSUID | Sc.MS_NODEV | Sc.MS_NOEXEC, 0L);
        }
        PathMasking.append(p, in.masked(), in.readonly(), in.rootfsView());
        SyscallProgram.Ref dot = p.cstr(".");
        p.call("pivot_root", Sc.PIVOT_ROOT, dot, dot);
        p.call("detach old root", Sc.UMOUNT2, dot, (long) Sc.MNT_DETACH);
        p.call("chdir /", Sc.CHDIR, p.cstr("/"));
        if (in.readonlyRootfs()) {
            p.call("read-only rootfs", Sc.MOUNT, 0L, p.cstr("/"), 0L, Sc.MS_BIND | Sc.MS_REMOUNT | Sc.MS_RDONLY, 0L);
        }
        p.call("chdir " + in.cwd(), Sc.CHDIR, p.cstr(in.cwd()));
        if (in.procByHelper()) {
            for (long[] rl : in.security().rlimits()) {
                byte[] lim = new byte[16];
                java.nio.ByteBuffer.wrap(lim).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(rl[1]).putLong(rl[2]);
                p.call("prlimit " + rl[0], 302, 0L, rl[0], p.bytes(lim), 0L);
            }
        }
        CredentialSteps.append(p, in.security());
        if (in.procByHelper()) appendExec(p, in);
        return p;
    }

    /** The helper's last steps: controlling tty, drop its protocol fds, exec the entrypoint. */
    private static void appendExec(SyscallProgram p, Input in) {
        if (in.tty()) {
            // posix_spawn's SETSID already made the helper a session leader; take the slave (fd 0) as its tty
            p.call("controlling tty", 16 /* ioctl */, 0L, 0x540EL /* TIOCSCTTY */, 0L);
        }
        p.call("close program fd", Sc.CLOSE, 3L);
        p.call("cloexec error fd", Sc.FCNTL, 4L, (long) Sc.F_SETFD, (long) Sc.FD_CLOEXEC);
        List<SyscallProgram.Ref> argv = new ArrayList<>();
        for (String a : in.argv()) argv.add(p.cstr(a));
        List<SyscallProgram.Ref> envp = new ArrayList<>();
        for (String e : in.env()) envp.add(p.cstr(e));
        p.call("execve " + in.executable(), Sc.EXECVE, p.cstr(in.executable()), p.ptrArray(argv), p.ptrArray(envp));
        if (p.size() > 60_000 || p.size() > InitElf.BUFFER_SIZE)
            throw new IllegalArgumentException("launch program too large for the helper pipe: " + p.size());
    }
}
