package io.jcri.runtime.pod;

import io.jcri.runtime.CrashPoints;
import io.jcri.runtime.NamespaceMode;
import io.jcri.runtime.NamespaceSpec;
import io.jcri.runtime.PodNamespaces;
import io.jcri.runtime.PodSpec;
import io.jcri.runtime.ProcessSpec;
import io.jcri.runtime.cgroup.Cgroup;
import io.jcri.runtime.cgroup.CgroupManager;
import io.jcri.runtime.cgroup.CgroupMode;
import io.jcri.runtime.cgroup.DeviceRule;
import io.jcri.runtime.launch.ContainerLauncher;
import io.jcri.runtime.launch.LaunchSecurity;
import io.jcri.runtime.launch.NamespacePlan;
import io.jcri.runtime.launch.Undo;
import io.jcri.runtime.security.MaskedPaths;
import io.jcri.runtime.security.OomScoreAdj;
import io.jcri.runtime.security.SeccompProfile;
import io.jcri.runtime.supervise.Exit;
import io.jcri.runtime.supervise.Reaper;
import io.jcri.runtime.state.Trash;
import io.jcri.runtime.sys.Native;
import io.jcri.runtime.sys.ProcStat;
import io.jcri.runtime.sys.Sc;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The PID 1 of each shared-PID pod ({@link PodInitElf}), started by the ordinary container launch machinery and
 * sandboxed like a pause container: the pod's net/uts/ipc namespaces, its own mount namespace whose read-only root
 * is an overlay over a layer holding only the binary (plus the usual /proc, /dev and /sys; never the host's root,
 * which the pod's containers could otherwise reach through /proc/1/root), no capabilities (bounding set
 * included), no_new_privs, the RuntimeDefault seccomp profile, uid/gid 65535, oom_score_adj -998, in a cgroup of
 * its own below the pod's cgroup parent. Pods that do not share a PID namespace get none.
 *
 * <p>Where things are: {@code <rootDir>/pod-init} the layer (written once per daemon start);
 * {@code <rootDir>/pods/<podId>/{rootfs,upper,work}} the mount point and the overlay's empty writable dirs;
 * {@code <stateDir>/pods/<podId>/init} its pid, start time and cgroup parent, so that a restarted daemon finds it
 * again ({@link #recover()}). Its mounts live only in its own mount namespace. The pod's PID namespace stays
 * pinned by {@link PodNamespaceStore}'s bind mount; the init keeps it usable for new processes.
 */
public final class PodInits implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PodInits.class.getName());
    /** The uid and gid of the init, as Kubernetes' pause image runs. */
    public static final long UID = 65535;
    /** What kubelet asks for the sandbox (pause) container. */
    static final int OOM_SCORE_ADJ = -998;
    private static final long STOP_TIMEOUT_SECONDS = 30;

    private static final class Handle {
        final String podId;
        final long pid;
        final long startTicks;
        final Cgroup cgroup;
        final CompletableFuture<Exit> exit;
        int pidfd;
        volatile boolean stopping;

        Handle(String podId, long pid, long startTicks, Cgroup cgroup, int pidfd, CompletableFuture<Exit> exit) {
            this.podId = podId;
            this.pid = pid;
            this.startTicks = startTicks;
            this.cgroup = cgroup;
            this.pidfd = pidfd;
            this.exit = exit;
        }
    }

    private final Path layer;
    private final Path podsRoot;
    private final Path podsState;
    private final CgroupManager cgroups;
    private final String defaultCgroupParent;
    private final Reaper reaper;
    private final Path procHelper;
    private final boolean procFallback;
    private final Map<String, Handle> handles = new ConcurrentHashMap<>();

    /**
     * @param procHelper   the /proc helper ({@code jcri-init}) for the fallback path and cgroup v2 namespaces
     * @param procFallback whether /proc is mounted by that helper (kernels without procfs "pidns")
     */
    public PodInits(Path rootDir, Path stateDir, CgroupManager cgroups, String defaultCgroupParent, Reaper reaper,
                    Path procHelper, boolean procFallback) {
        this.layer = rootDir.resolve("pod-init");
        this.podsRoot = rootDir.resolve("pods");
        this.podsState = stateDir.resolve("pods");
        this.cgroups = cgroups;
        this.defaultCgroupParent = defaultCgroupParent;
        this.reaper = reaper;
        this.procHelper = procHelper;
        this.procFallback = procFallback;
        try {
            PodInitElf.writeLayer(layer);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the pod init to " + layer, e);
        }
    }

    /** The name of the init's cgroup below the pod's cgroup parent. */
    public static String cgroupName(String podId) {
        return "pod-init-" + podId;
    }

    /**
     * Starts the init of a pod whose {@code ns.pid()} was just created (nothing else may have been spawned into
     * it: the init must be its PID 1). Returns its host pid. On failure nothing it made is left behind.
     */
    public long start(PodSpec spec, PodNamespaces ns) {
        String podId = spec.podId();
        if (ns == null) throw new IllegalArgumentException("pod " + podId + " has no namespaces");
        if (handles.containsKey(podId) || Files.exists(stateFile(podId)))
            throw new IllegalStateException("pod " + podId + " already has an init");
        Path dir = podsRoot.resolve(podId);
        String parent = spec.cgroupParent() != null ? spec.cgroupParent() : defaultCgroupParent;
        Cgroup cgroup = cgroups.forContainer(parent, cgroupName(podId));
        try (Undo undo = new Undo()) {
            // the record first (no pid yet), as the journal of what follows: a daemon killed before the init's pid
            // is saved leaves a record naming the cgroup, so stop() finds it (and kills an init already in it)
            saveRecord(podId, 0, 0, parent);
            undo.push(() -> Files.deleteIfExists(stateFile(podId)));
            Files.createDirectories(dir.resolve("upper"));
            Files.createDirectories(dir.resolve("work"));
            Files.createDirectories(dir.resolve("rootfs"));
            undo.push(() -> Trash.deleteTree(dir));
            cgroup.create();
            undo.push(() -> destroy(cgroup));
            CrashPoints.reach(CrashPoints.SANDBOX_INIT_CGROUP);
            // the launch thread creates /dev's standard nodes while in this cgroup (v1): allow what containers get
            cgroup.restrictDevices(DeviceRule.DEFAULT_ALLOWED);
            // no pinned PID namespace yet (older kernels, see PodNamespaceStore): the init gets a new one
            NamespaceSpec joins = new NamespaceSpec(spec.network() == NamespaceMode.NODE ? NamespaceMode.NODE
                    : NamespaceMode.POD, ns.pid() != null ? NamespaceMode.POD : NamespaceMode.CONTAINER,
                    spec.ipc() == NamespaceMode.NODE ? NamespaceMode.NODE : NamespaceMode.POD, null);
            ContainerLauncher.Launched launched;
            try (NamespacePlan plan = NamespacePlan.resolve(joins, ns, 0)) {
                launched = ContainerLauncher.launch(new ContainerLauncher.Request(cgroupName(podId),
                        dir.resolve("rootfs"), List.of(layer), dir.resolve("upper"), dir.resolve("work"), List.of(),
                        List.of(), process(), plan, null, security(), true, MaskedPaths.masked(false),
                        MaskedPaths.readonly(false), cgroup, procFallback, procHelper,
                        cgroups.mode() == CgroupMode.V2 ? dir.resolve("gate") : null, dir, null, List.of()));
            }
            launched.stdio().closeParentEnds();
            CrashPoints.reach(CrashPoints.SANDBOX_INIT_STARTED);
            CompletableFuture<Exit> exit = reaper.watch(launched.pidfd());
            Handle h = new Handle(podId, launched.pid(), ProcStat.startTime(launched.pid()), cgroup, launched.pidfd(),
                    exit);
            undo.push(() -> kill(h));
            exit.thenAccept(e -> {
                if (!h.stopping) LOG.warning("the init of pod " + podId + " (pid " + h.pid + ") ended: " + e
                        + "; no new process can start in the pod's PID namespace");
            });
            save(h, parent);
            handles.put(podId, h);
            undo.commit();
            return h.pid;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The host pid of the pod's init, 0 if it has none (or it is gone). */
    public long pid(String podId) {
        Handle h = handles.get(podId);
        return h == null || h.exit.isDone() ? 0 : h.pid;
    }

    /** Whether the pod had an init that ended before the pod was removed: its PID namespace takes no new process. */
    public boolean lost(String podId) {
        Handle h = handles.get(podId);
        return h != null && h.exit.isDone() && !h.stopping;
    }

    /**
     * SIGKILL to the init (the kernel then kills everything left in the pod's PID namespace), waits until it is
     * gone, removes its cgroup, directories and record. Also for an init of a previous daemon that was not
     * {@linkplain #recover() recovered}. Does nothing for a pod without one; may be called again.
     */
    public void stop(String podId) {
        Handle h = handles.remove(podId);
        if (h == null) h = adopt(podId);
        if (h != null) {
            kill(h);
            // an init whose pid was never saved (the daemon died while starting it) is found only in its cgroup
            h.cgroup.killAll();
            destroy(h.cgroup);
        }
        Trash.deleteTree(podsRoot.resolve(podId));
        try {
            Files.deleteIfExists(stateFile(podId));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Finds the inits of a previous daemon from their records (pid and start time, against pid reuse) and watches
     * them again; returns how many are running. Records of inits that are gone stay until {@link #stop}.
     */
    public int recover() {
        if (!Files.isDirectory(podsState)) return 0;
        int n = 0;
        try (Stream<Path> s = Files.list(podsState)) {
            for (Path podDir : s.toList()) {
                String podId = podDir.getFileName().toString();
                if (handles.containsKey(podId) || !Files.exists(stateFile(podId))) continue;
                Handle h = adopt(podId);
                if (h == null) continue;
                if (h.pid == 0) {
                    LOG.info("the init of pod " + podId + " was being started when the daemon stopped");
                    continue;
                }
                if (h.pidfd < 0) {
                    LOG.warning("the init of pod " + podId + " (pid " + h.pid + ") ended while no daemon watched;"
                            + " no new process can start in the pod's PID namespace");
                    continue;
                }
                handles.put(podId, h);
                n++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return n;
    }

    /** Stops watching (the inits keep running); a new instance can {@link #recover()} them. */
    @Override
    public void close() {
        for (Handle h : handles.values()) {
            synchronized (h) {
                Native.closeQuietly(h.pidfd);
                h.pidfd = -1;
            }
        }
        handles.clear();
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    private static ProcessSpec process() {
        Path devNull = Path.of("/dev/null");
        return new ProcessSpec(List.of("/" + PodInitElf.NAME), List.of(), "/", false, false, false, devNull, devNull);
    }

    private static LaunchSecurity security() {
        SeccompProfile profile = SeccompProfile.runtimeDefault(0);
        return new LaunchSecurity(UID, UID, new long[0], 0, 0, 0, 0, 0, true, profile.compile(), profile.flags(),
                List.of(), OomScoreAdj.clampForThisProcess(OOM_SCORE_ADJ));
    }

    /** SIGKILL through the pidfd and wait until the process is gone (reaped, if it is our child). */
    private static void kill(Handle h) {
        h.stopping = true;
        synchronized (h) {
            if (h.pidfd >= 0) Native.syscall(Sc.PIDFD_SEND_SIGNAL, h.pidfd, Sc.SIGKILL, 0, 0, 0, 0);
        }
        if (h.exit != null) {
            try {
                h.exit.get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new IllegalStateException("the init of pod " + h.podId + " (pid " + h.pid
                        + ") did not end after SIGKILL");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                // the watcher failed; the process is gone or will be once its parent reaps it
            }
        }
        synchronized (h) {
            Native.closeQuietly(h.pidfd);
            h.pidfd = -1;
        }
    }

    /** The init of a previous daemon from its record; pidfd -1 if that process is gone. Null without a record. */
    private Handle adopt(String podId) {
        Path file = stateFile(podId);
        if (!Files.exists(file)) return null;
        Properties p = new Properties();
        try {
            p.load(new StringReader(Files.readString(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long pid = Long.parseLong(p.getProperty("pid"));
        long start = Long.parseLong(p.getProperty("startTicks"));
        Cgroup cgroup = cgroups.forContainer(p.getProperty("cgroupParent", defaultCgroupParent), cgroupName(podId));
        int pidfd = pid > 0 ? ProcStat.openPidfd(pid, start) : -1;
        CompletableFuture<Exit> exit = pidfd >= 0 ? reaper.watchAdopted(pidfd, pid, start) : null;
        return new Handle(podId, pid, start, cgroup, pidfd, exit);
    }

    private void save(Handle h, String cgroupParent) throws IOException {
        saveRecord(h.podId, h.pid, h.startTicks, cgroupParent);
    }

    /** pid 0: the init is being started (its cgroup may exist, the process too, its pid is not known yet). */
    private void saveRecord(String podId, long pid, long startTicks, String cgroupParent) throws IOException {
        Path file = stateFile(podId);
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling("init.tmp");
        Files.writeString(tmp, "pid=" + pid + "\nstartTicks=" + startTicks + "\ncgroupParent="
                + cgroupParent + "\n");
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private Path stateFile(String podId) {
        return podsState.resolve(podId).resolve("init");
    }

    private static void destroy(Cgroup cg) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                cg.destroy();
                return;
            } catch (RuntimeException e) {
                // EBUSY while the last task is still leaving
                if (System.nanoTime() > deadline) throw e;
                cg.killAll();
                Thread.onSpinWait();
            }
        }
    }
}
