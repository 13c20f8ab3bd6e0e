package io.jcri.runtime.launch;

import io.jcri.runtime.cgroup.Cgroup;

import io.jcri.runtime.sys.Native;
import io.jcri.runtime.sys.NativeException;
import io.jcri.runtime.sys.Sc;
import io.jcri.runtime.sys.SyscallProgram;

import java.nio.file.Path;

/**
 * The body of a single-use platform thread that becomes the container's parent: joins the cgroup, enters the
 * namespaces, builds the mount tree, runs the container program and spawns. After pivot_root (primary path) it
 * runs only already-loaded code, allocates nothing and throws nothing: failures are recorded in fields and turned
 * into exceptions by the caller.
 */
final class LaunchThread implements Runnable {
    private final Cgroup cgroup;
    private final NamespacePlan ns;
    private final RootfsBuilder rootfs;
    private final Path rootfsPath;
    private final String hostname;
    private final SyscallProgram.Loaded program; // primary path; null in the fallback
    private final SpawnArgs spawn;
    private final Stdio stdio;
    private final boolean fallback;
    private final boolean gated;
    private final CgroupFsView cgroupFs;

    Throwable error;
    boolean programFailed;
    boolean spawnFailed;
    int pid = -1;
    /** Published for the cgroup v2 gate, which looks for this thread's child. */
    volatile int tid;
    /**
     * System.nanoTime() when the thread ran, entered the namespaces, had the root filesystem ready and had
     * spawned the process (read after join; plain longs: nothing is allocated after pivot_root).
     */
    long ranAt;
    long cgroupAt;
    long enteredAt;
    long rootfsAt;
    long spawnedAt;

    LaunchThread(Cgroup cgroup, NamespacePlan ns, RootfsBuilder rootfs, Path rootfsPath, String hostname,
                 SyscallProgram.Loaded program, SpawnArgs spawn, Stdio stdio, boolean fallback, boolean gated,
                 CgroupFsView cgroupFs) {
        this.gated = gated;
        this.cgroupFs = cgroupFs;
        this.cgroup = cgroup;
        this.ns = ns;
        this.rootfs = rootfs;
        this.rootfsPath = rootfsPath;
        this.hostname = hostname;
        this.program = program;
        this.spawn = spawn;
        this.stdio = stdio;
        this.fallback = fallback;
    }

    @Override
    public void run() {
        ranAt = System.nanoTime();
        tid = Native.gettid();
        try (HomeCgroup home = new HomeCgroup(Native.gettid())) {
            try {
                launch();
            } finally {
                home.returnThread();
            }
        } catch (Throwable t) {
            if (error == null) error = t;
        }
    }

    private void launch() {
        try {
            if (cgroup != null && !gated) cgroup.addCurrentThread();
            cgroupAt = System.nanoTime();
            int rc = ns.enter();
            if (rc < 0) throw new NativeException("enter namespaces", -rc);
            enteredAt = System.nanoTime();
            rootfs.cloneBidirectionalSources();
            rootfs.mountRootfs();
            if (!fallback) mountProc();
            rootfs.mountDevAndSys();
            rootfs.mountCgroupFs(cgroupFs);
            rootfs.mountFilesAndBinds();
            rootfs.createDeviceNodes();
            if (ns.newUts && hostname != null && !hostname.isEmpty()) {
                Native.check(Native.C.sethostname(hostname, hostname.getBytes().length), "sethostname");
            }
            if (stdio.tty) openTty();
            spawn.finish();
            Native.check(Native.C.chdir(rootfsPath.toString()), "chdir rootfs");
            rootfsAt = System.nanoTime();
            if (!fallback) {
                // From here on: pivot_root; no class loading, no allocation, no exceptions.
                if (!program.runOnThisThread()) {
                    programFailed = true;
                    return;
                }
            }
            if (!spawn.spawn()) {
                spawnFailed = true;
                return;
            }
            pid = spawn.spawnedPid;
            spawnedAt = System.nanoTime();
        } catch (Throwable t) {
            error = t;
        } finally {
            rootfs.closeClones();
        }
    }

    private void mountProc() {
        if (ns.joinedPidNs >= 0) {
            rootfs.mountProcFor(ns.joinedPidNs);
            return;
        }
        int pidns = Native.pidNamespaceForChildren();
        try {
            rootfs.mountProcFor(pidns);
        } finally {
            Native.closeQuietly(pidns);
        }
    }

    private void openTty() {
        String pts = rootfsPath.resolve("dev/pts").toString();
        int n = stdio.openPty(pts + "/ptmx", fallback, pts);
        if (n < 0) throw new NativeException("open container pty", -n);
        if (fallback) spawn.dupTty(stdio.ptySlave);
        else spawn.openTty("/dev/pts/" + n);
    }
}
