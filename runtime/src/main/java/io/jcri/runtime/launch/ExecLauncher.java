package io.jcri.runtime.launch;

import io.jcri.runtime.cgroup.Cgroup;

import io.jcri.runtime.ProcessSpec;
import io.jcri.runtime.sys.Native;
import io.jcri.runtime.sys.NativeException;
import io.jcri.runtime.sys.Sc;
import io.jcri.runtime.sys.SyscallProgram;

import java.nio.file.Path;
import java.util.List;

/**
 * Starts an extra process in a running container (CRI Exec/ExecSync): a fresh thread joins the container's
 * cgroup, then all its namespaces at once through its pidfd (which also moves the thread to the container's root),
 * applies the container's credentials and confinement, and spawns.
 */
public final class ExecLauncher {
    private static final int ALL_NS = Sc.CLONE_NEWNS | Sc.CLONE_NEWUTS | Sc.CLONE_NEWIPC | Sc.CLONE_NEWNET
            | Sc.CLONE_NEWPID | Sc.CLONE_NEWCGROUP;

    private ExecLauncher() {}

    /** @param cgroupGateFifo where the cgroup v2 gate FIFO goes; null on v1 (the thread joins the cgroup) */
    public static ContainerLauncher.Launched exec(String id, int containerPid, int containerPidfd, ProcessSpec proc,
                                                  LaunchSecurity security, Cgroup cgroup, Path cgroupGateFifo) {
        long t0 = System.nanoTime();
        Path root = Path.of("/proc/" + containerPid + "/root");
        String exe = Executable.resolve(proc.args().get(0), ContainerLauncher.pathOf(proc), List.of(root));
        Stdio stdio = Stdio.open(proc);
        SpawnArgs spawn = null;
        int pid = -1;
        CgroupGate gate = cgroupGateFifo == null ? null : new CgroupGate(cgroupGateFifo, security.uid(),
                security.gid());
        try {
            if (proc.tty()) {
                int n = stdio.openPty(root + "/dev/pts/ptmx", false, null);
                if (n < 0) throw new NativeException("open container pty", -n);
            }
            SyscallProgram program = new SyscallProgram();
            program.call("chdir " + proc.cwd(), Sc.CHDIR, program.cstr(proc.cwd()));
            CredentialSteps.append(program, security);
            SyscallProgram.Loaded loaded = program.load();
            spawn = new SpawnArgs(exe, proc.args(), proc.env(), stdio.child, new int[0][], proc.tty(),
                    gate == null ? null : gate.childPath());
            if (proc.tty()) spawn.openTty("/dev/pts/" + ptyNumber(stdio));
            spawn.finish();
            Body body = new Body(gate == null ? cgroup : null, containerPidfd, loaded, spawn);
            ContainerLauncher.runOnFreshThread(body, "jcri-exec-" + id, gate, () -> body.tid, cgroup);
            pid = body.pid;
            if (body.error != null) throw body.error;
            if (body.programFailed) throw loaded.failure();
            if (body.spawnFailed) throw spawn.failure();
            Native.C.prctl(Sc.PR_SET_DUMPABLE, 1, 0, 0, 0);
            int pidfd = Native.pidfdOpen(pid, 0);
            stdio.closeChildEnds();
            ContainerLauncher.applyRlimits(pid, security);
            ContainerLauncher.writeOomScoreAdj(pid, security.oomScoreAdj());
            return new ContainerLauncher.Launched(pid, pidfd, stdio, System.nanoTime() - t0);
        } catch (RuntimeException e) {
            if (pid > 0) {
                Native.C.kill(pid, Sc.SIGKILL);
                Native.C.syscall(Sc.WAITID, 1, pid, 0, Sc.WEXITED, 0, 0);
            }
            stdio.closeChildEnds();
            stdio.closeParentEnds();
            throw e;
        } finally {
            if (gate != null) gate.close();
            if (spawn != null) spawn.destroy();
        }
    }

    private static int ptyNumber(Stdio stdio) {
        int[] n = {0};
        Native.check(Native.C.ioctl(stdio.ptyMaster, Sc.TIOCGPTN, n), "TIOCGPTN");
        return n[0];
    }

    private static final class Body implements Runnable {
        private final Cgroup cgroup;
        private final int pidfd;
        private final SyscallProgram.Loaded program;
        private final SpawnArgs spawn;
        RuntimeException error;
        boolean programFailed;
        boolean spawnFailed;
        int pid = -1;
        volatile int tid;

        Body(Cgroup cgroup, int pidfd, SyscallProgram.Loaded program, SpawnArgs spawn) {
            this.cgroup = cgroup;
            this.pidfd = pidfd;
            this.program = program;
            this.spawn = spawn;
        }

        @Override
        public void run() {
            tid = Native.gettid();
            try (HomeCgroup home = new HomeCgroup(Native.gettid())) {
                try {
                    enterAndSpawn();
                } finally {
                    home.returnThread();
                }
            }
        }

        private void enterAndSpawn() {
            try {
                if (cgroup != null) cgroup.addCurrentThread();
                Native.check(Native.C.unshare(Sc.CLONE_FS), "unshare CLONE_FS");
            } catch (RuntimeException e) {
                error = e;
                return;
            }
            // setns moves this thread into the container's root: no class loading or exceptions from here on
            if (Native.C.setns(pidfd, ALL_NS) < 0) {
                error = new NativeException("setns into container", Native.errno());
                return;
            }
            if (!program.runOnThisThread()) {
                programFailed = true;
                return;
            }
            if (!spawn.spawn()) {
                spawnFailed = true;
                return;
            }
            pid = spawn.spawnedPid;
        }
    }
}
