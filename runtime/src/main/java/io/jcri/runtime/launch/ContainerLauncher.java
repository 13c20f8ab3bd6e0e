package io.jcri.runtime.launch;

import io.jcri.runtime.Phases;
import io.jcri.runtime.cgroup.Cgroup;

import io.jcri.runtime.DeviceSpec;
import io.jcri.runtime.MountSpec;
import io.jcri.runtime.ProcessSpec;
import io.jcri.runtime.sys.InitElf;
import io.jcri.runtime.sys.Native;
import io.jcri.runtime.sys.NativeException;
import io.jcri.runtime.sys.Sc;
import io.jcri.runtime.sys.SyscallProgram;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a container's first process: prepares everything on the caller thread (fds, native argument memory,
 * the container program), runs {@link LaunchThread} on a fresh platform thread, then finishes on the host side
 * (pidfd, rlimits, oom_score_adj). Two /proc strategies: the launch thread mounts it for the new PID namespace
 * through fsconfig "pidns" (primary), or the {@link InitElf} helper does it from inside (fallback).
 */
public final class ContainerLauncher {
    /**
     * What to launch. {@code lowerDirs} top layer first; {@code etcFiles} are bind-mounted files like /etc/hosts;
     * {@code cgroupGateFifo} (cgroup v2) is where the {@link CgroupGate} FIFO goes, null on v1;
     * {@code stdioFifoDir} holds the stdout/stderr FIFOs that outlive the daemon (see {@link Stdio});
     * {@code cgroupFs} is mounted at /sys/fs/cgroup: v1 views need a cgroup namespace in {@code namespaces}, a
     * unified (v2) view gets one rooted at {@code cgroup} here (see {@link CgroupNamespace});
     * {@code devices} are the configured device nodes (see {@link DeviceNodes}).
     */
    public record Request(String id, Path rootfs, List<Path> lowerDirs, Path upperDir, Path workDir,
                          List<RootfsFile> etcFiles, List<MountSpec> mounts, ProcessSpec process,
                          NamespacePlan namespaces, String hostname, LaunchSecurity security, boolean readonlyRootfs,
                          List<String> maskedPaths, List<String> readonlyPaths, Cgroup cgroup,
                          boolean procFallback, Path helper, Path cgroupGateFifo, Path stdioFifoDir,
                          CgroupFsView cgroupFs, List<DeviceSpec> devices) {}

    public record RootfsFile(String containerPath, Path hostFile) {}

    /** A started process: host pid, an O_CLOEXEC pidfd, the parent's stdio ends, launch time in nanoseconds. */
    public record Launched(int pid, int pidfd, Stdio stdio, long nanos) {}

    private ContainerLauncher() {}

    public static Launched launch(Request r) {
        return launch(r, Phases.NONE);
    }

    /**
     * The same, timing its phases into {@code phases}: {@code launch.prepare} (executable, stdio, the syscall
     * program, the root filesystem plan), then the launch thread's own steps: {@code launch.thread_start} (until
     * the fresh thread runs), {@code launch.cgroup} (the thread joined the container's cgroups),
     * {@code launch.namespaces} (namespaces entered), {@code launch.rootfs}
     * (overlay, /proc, /dev, /sys, mounts, devices, hostname), {@code launch.exec} (pivot_root, credentials,
     * seccomp, posix_spawn), {@code launch.join} (the thread's end); and {@code launch.finish} (pidfd, rlimits,
     * oom_score_adj, the init helper's report).
     */
    public static Launched launch(Request r, Phases phases) {
        long t0 = System.nanoTime();
        ProcessSpec proc = r.process();
        List<Path> roots = new ArrayList<>();
        roots.add(r.upperDir());
        roots.addAll(r.lowerDirs());
        String exe = Executable.resolve(proc.args().get(0), pathOf(proc), roots);
        boolean fallback = r.procFallback();
        Stdio stdio = Stdio.open(proc, r.stdioFifoDir());
        int[] programPipe = null, errorPipe = null;
        SpawnArgs spawn = null;
        int pid = -1;
        CgroupGate gate = r.cgroupGateFifo() == null ? null : new CgroupGate(r.cgroupGateFifo(),
                r.security().uid(), r.security().gid());
        CgroupNamespace.Created cgroupNs = null;
        try {
            SyscallProgram program = ContainerProgram.build(new ContainerProgram.Input(fallback, r.maskedPaths(),
                    r.readonlyPaths(), r.lowerDirs().isEmpty() ? r.upperDir() : r.lowerDirs().get(0),
                    r.readonlyRootfs(), proc.cwd(), r.security(), exe, proc.args(), proc.env(), proc.tty()));
            SyscallProgram.Loaded loaded = null;
            if (fallback) {
                programPipe = Native.pipe();
                errorPipe = Native.pipe();
                byte[] image = program.serialize(InitElf.BUFFER);
                long n = Native.C.write(programPipe[1], image, image.length);
                if (n != image.length) throw new NativeException("write launch program", Native.errno());
                Native.closeQuietly(programPipe[1]);
                programPipe[1] = -1;
                spawn = new SpawnArgs(r.helper().toString(), List.of("jcri-init"), List.of(), stdio.child,
                        new int[][] {{programPipe[0], 3}, {errorPipe[1], 4}}, proc.tty(),
                        gate == null ? null : gate.childPath());
            } else {
                loaded = program.load();
                spawn = new SpawnArgs(exe, proc.args(), proc.env(), stdio.child, new int[0][], proc.tty(),
                        gate == null ? null : gate.childPath());
            }
            if (r.cgroupFs() != null && r.cgroupFs().unified()) {
                cgroupNs = CgroupNamespace.create(r.helper(), r.cgroup());
                r.namespaces().joinCgroupNamespace(cgroupNs.fd);
            }
            RootfsBuilder rootfs = new RootfsBuilder(r.rootfs(), r.lowerDirs(), r.upperDir(), r.workDir(),
                    r.etcFiles().stream().map(f -> new RootfsBuilder.EtcFile(f.containerPath(), f.hostFile())).toList(),
                    r.mounts(), proc.cwd(), r.devices());
            LaunchThread body = new LaunchThread(r.cgroup(), r.namespaces(), rootfs, r.rootfs(), r.hostname(), loaded,
                    spawn, stdio, fallback, gate != null, r.cgroupFs());
            phases.mark("launch.prepare");
            long started = System.nanoTime();
            runOnFreshThread(body, "jcri-launch-" + r.id(), gate, () -> body.tid, r.cgroup());
            long joined = System.nanoTime();
            if (body.spawnedAt > 0) {
                phases.add("launch.thread_start", body.ranAt - started);
                phases.add("launch.cgroup", body.cgroupAt - body.ranAt);
                phases.add("launch.namespaces", body.enteredAt - body.cgroupAt);
                phases.add("launch.rootfs", body.rootfsAt - body.enteredAt);
                phases.add("launch.exec", body.spawnedAt - body.rootfsAt);
                phases.add("launch.join", joined - body.spawnedAt);
            }
            pid = body.pid;
            if (body.error != null) throw asRuntime(body.error);
            if (body.programFailed) throw loaded.failure();
            if (body.spawnFailed) throw spawn.failure();
            if (!fallback) Native.C.prctl(Sc.PR_SET_DUMPABLE, 1, 0, 0, 0); // the thread's setresuid cleared it
            int pidfd = Native.pidfdOpen(pid, 0);
            stdio.closeChildEnds();
            if (fallback) {
                Native.closeQuietly(programPipe[0]);
                Native.closeQuietly(errorPipe[1]);
                programPipe[0] = errorPipe[1] = -1;
                awaitHelper(errorPipe[0], program, pidfd);
            } else {
                applyRlimits(pid, r.security());
            }
            writeOomScoreAdj(pid, r.security().oomScoreAdj());
            phases.mark("launch.finish");
            return new Launched(pid, pidfd, stdio, System.nanoTime() - t0);
        } catch (RuntimeException e) {
            if (pid > 0) Native.C.kill(pid, Sc.SIGKILL); // reaped by the caller's supervisor or by waitid below
            if (pid > 0) reapQuietly(pid);
            stdio.closeChildEnds();
            stdio.closeParentEnds();
            throw e;
        } finally {
            if (cgroupNs != null) cgroupNs.close(); // the child is in the cgroup (or the launch failed)
            if (gate != null) gate.close();
            if (spawn != null) spawn.destroy();
            if (programPipe != null) for (int fd : programPipe) Native.closeQuietly(fd);
            if (errorPipe != null) for (int fd : errorPipe) Native.closeQuietly(fd);
        }
    }

    static String pathOf(ProcessSpec p) {
        for (String e : p.env()) if (e.startsWith("PATH=")) return e.substring(5);
        return ProcessSpec.DEFAULT_PATH;
    }

    /** Runs {@code body} on a new thread and waits for it; with a gate, admits the child into the cgroup meanwhile. */
    static void runOnFreshThread(Runnable body, String name, CgroupGate gate, java.util.function.IntSupplier tid,
                                 Cgroup cgroup) {
        Thread t = new Thread(body, name); // never pooled, never virtual: it keeps the namespaces it entered
        t.setDaemon(true);
        t.start();
        RuntimeException gateFailure = null;
        if (gate != null) {
            try {
                gate.admit(t, tid, cgroup);
            } catch (RuntimeException e) {
                gateFailure = e;
                gate.release();
            }
        }
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (gateFailure != null) throw gateFailure;
    }

    /** Blocks until the helper exec'd (EOF) or reported a failed step. */
    private static void awaitHelper(int errorFd, SyscallProgram program, int pidfd) {
        byte[] report = new byte[16];
        int got = 0;
        while (got < 16) {
            byte[] chunk = new byte[16 - got];
            long n = Native.C.read(errorFd, chunk, chunk.length);
            if (n < 0 && Native.errno() == Sc.EINTR) continue;
            if (n <= 0) break;
            System.arraycopy(chunk, 0, report, got, (int) n);
            got += (int) n;
        }
        if (got == 0) return;
        Native.closeQuietly(pidfd);
        ByteBuffer b = ByteBuffer.wrap(report).order(ByteOrder.LITTLE_ENDIAN);
        long rc = b.getLong();
        int step = InitElf.entryIndex(b.getLong());
        throw new NativeException("container init: " + program.label(step), (int) -rc);
    }

    static void applyRlimits(int pid, LaunchSecurity s) {
        for (long[] rl : s.rlimits()) {
            Native.check(Native.C.prlimit(pid, (int) rl[0], new long[] {rl[1], rl[2]}, null), "prlimit " + rl[0]);
        }
    }

    static void writeOomScoreAdj(int pid, int adj) {
        try {
            Files.writeString(Path.of("/proc/" + pid + "/oom_score_adj"), Integer.toString(adj));
        } catch (java.io.IOException e) {
            // the process may already be gone; the supervisor reports that
        }
    }

    private static void reapQuietly(int pid) {
        // waitid(P_PID, pid, NULL, WEXITED): collect exactly this child, never anyone else's
        Native.C.syscall(Sc.WAITID, 1 /* P_PID */, pid, 0, Sc.WEXITED, 0, 0);
    }

    private static RuntimeException asRuntime(Throwable t) {
        if (t instanceof RuntimeException re) return re;
        if (t instanceof Error err) throw err;
        return new IllegalStateException(t.getMessage(), t);
    }
}
