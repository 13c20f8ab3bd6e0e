package io.jcri.runtime;

import io.jcri.runtime.cgroup.Cgroup;
import io.jcri.runtime.cgroup.CgroupManager;
import io.jcri.runtime.cgroup.CgroupMode;
import io.jcri.runtime.cgroup.CgroupStats;
import io.jcri.runtime.cgroup.DeviceRule;
import io.jcri.runtime.cgroup.Resources;
import io.jcri.runtime.kernel.KernelFeature;
import io.jcri.runtime.kernel.KernelFeatures;
import io.jcri.runtime.launch.CgroupFsView;
import io.jcri.runtime.launch.ContainerLauncher;
import io.jcri.runtime.security.MaskedPaths;
import io.jcri.runtime.launch.ExecLauncher;
import io.jcri.runtime.launch.LaunchSecurity;
import io.jcri.runtime.launch.NamespacePlan;
import io.jcri.runtime.launch.Stdio;
import io.jcri.runtime.launch.Undo;
import io.jcri.runtime.pod.PodInits;
import io.jcri.runtime.pod.PodNamespaceStore;
import io.jcri.runtime.state.ContainerRecord;
import io.jcri.runtime.state.StateStore;
import io.jcri.runtime.state.Trash;
import io.jcri.runtime.supervise.Exit;
import io.jcri.runtime.supervise.ExitLog;
import io.jcri.runtime.supervise.Reaper;
import io.jcri.runtime.sys.InitElf;
import io.jcri.runtime.sys.Native;
import io.jcri.runtime.sys.ProcStat;
import io.jcri.runtime.sys.StaticElf;
import io.jcri.runtime.sys.Sc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * The container engine's facade: pods' namespaces, and containers from create to delete, in CRI vocabulary.
 * Knows nothing of gRPC. Thread-safe; one instance per daemon.
 *
 * <p>Daemon restarts: containers are ordinary processes that outlive the JVM. The launcher runs the JVM under
 * {@code jcri-subreaper} ({@link io.jcri.runtime.supervise.SubreaperElf}), so they are reparented to it, and
 * it records the exit status of each one it reaps in the {@link ExitLog}. Their records live in
 * {@code stateDir}, so {@link #recover()} finds them again (pid + start time guard against pid reuse), watches
 * the running ones through pidfds and takes the exits it missed from the exit log.
 * A container's stdout/stderr (unless sent to files) are FIFOs in its directory whose container end is
 * read-write: the container never gets SIGPIPE when the daemon dies, its output waits in the pipe buffer (it
 * blocks once that is full) and {@link #reattachOutput} gives a restarted daemon the read ends again; likewise
 * a stdin kept open for the container's life. A stdin_once stdin and ttys do not survive a daemon restart.
 */
public final class ContainerRuntime implements AutoCloseable {
    /** ExecSync keeps at most this much of each output stream (kubelet's limit for probe output is lower). */
    public static final int EXEC_OUTPUT_CAP = 16 * 1024 * 1024;
    private static final Logger LOG = Logger.getLogger(ContainerRuntime.class.getName());
    private final RuntimeOptions options;
    private final Path helper;
    private final StateStore store;
    /** Writable layers of removed containers, deleted in the background (and at start-up). */
    private final Trash trash;
    private final PodNamespaceStore pods;
    private final PodInits podInits;
    private final Reaper reaper;
    private final ExitLog exitLog;
    /** Running containers of a previous daemon: not our children, their exits may be in the exit log. */
    private final java.util.Set<String> adopted = ConcurrentHashMap.newKeySet();
    private final Map<String, Container> containers = new ConcurrentHashMap<>();
    private final boolean procPidnsSupported;
    private final KernelFeatures kernel;
    private final CgroupManager cgroups;
    /** Whether {@link #cgroups} was made here (and its systemd connection is closed with this). */
    private final boolean ownsCgroups;
    private final CgroupFsView cgroupFs = CgroupFsView.ofHost();
    private final java.util.concurrent.atomic.AtomicLong gateSeq = new java.util.concurrent.atomic.AtomicLong();

    public ContainerRuntime(RuntimeOptions options) {
        this(options, null);
    }

    /** With an explicit cgroup manager (tests: a cgroup v2 hierarchy on a hybrid host). */
    ContainerRuntime(RuntimeOptions options, CgroupManager cgroupManager) {
        this.options = options;
        Native.init();
        Preloader.preload();
        io.jcri.runtime.pod.PodLoopback.warmUp();
        // probed on this (an ordinary) thread before any launch: launch threads only read the answers
        KernelFeatures probed = KernelFeatures.probe();
        kernel = options.kernelFeatures() != null ? options.kernelFeatures() : probed;
        LOG.info(kernel.summary());
        try {
            Files.createDirectories(options.rootDir().resolve("containers"));
            Files.createDirectories(options.stateDir());
            helper = installHelper(options.rootDir().resolve("bin").resolve("jcri-init"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        store = new StateStore(options.stateDir());
        trash = new Trash(options.rootDir().resolve("trash"));
        pods = new PodNamespaceStore(options.stateDir(), kernel.pidNamespaceBeforeInit());
        ownsCgroups = cgroupManager == null;
        // the systemd connection, if any, is shared by the manager withCgroupKill makes (and closed with it)
        cgroups = (cgroupManager != null ? cgroupManager
                : CgroupManager.detect(options.cgroupDriver(), options.cgroupMode()))
                .withCgroupKill(kernel.has(KernelFeature.CGROUP_KILL));
        exitLog = options.exitLog() != null ? new ExitLog(options.exitLog()) : null;
        reaper = new Reaper(exitLog);
        procPidnsSupported = !options.forceProcFallback() && kernel.procPidnsMount();
        podInits = new PodInits(options.rootDir(), options.stateDir(), cgroups, options.cgroupParent(), reaper,
                helper, !procPidnsSupported);
    }

    /** The kernel features this runtime found at start-up (or was given), for the log and the verbose Status. */
    public KernelFeatures kernelFeatures() {
        return kernel;
    }

    /** True when /proc is mounted through fsconfig "pidns"; false when the in-namespace helper does it. */
    public boolean usesProcPidns() {
        return procPidnsSupported;
    }

    // ---- pods -------------------------------------------------------------------------------------------

    /**
     * RunPodSandbox: the pod's namespaces; with a shared PID namespace ({@code pid == POD}) also its PID 1, the
     * pod init (see {@link PodInits}), so that containers may come and go and orphans are reaped.
     */
    public PodNamespaces createPodNamespaces(PodSpec spec) {
        PodNamespaces ns = pods.create(spec);
        if (spec.pid() != NamespaceMode.POD) return ns;
        try (Undo undo = new Undo()) {
            undo.push(() -> pods.remove(spec.podId()));
            // without a pinned PID namespace (kernels before 6.11: see PodNamespaceStore) the init's launch makes
            // one, whose PID 1 it is, and the namespace is pinned from it
            long init = podInits.start(spec, ns);
            undo.push(() -> podInits.stop(spec.podId()));
            if (ns.pid() == null) ns = pods.pinPidNamespaceOf(spec.podId(), init);
            undo.commit();
        }
        return ns;
    }

    public PodNamespaces podNamespaces(String podId) {
        return pods.current(podId);
    }

    /** The host pid of a shared-PID pod's init (PID 1 of its PID namespace); 0 if the pod has none. */
    public long podInitPid(String podId) {
        return podInits.pid(podId);
    }

    /**
     * StopPodSandbox/RemovePodSandbox: kills a shared-PID pod's init (and so whatever still runs in its PID
     * namespace), then unpins the namespaces. May be called again.
     */
    public void removePodNamespaces(String podId) {
        podInits.stop(podId);
        pods.remove(podId);
    }

    // ---- containers -------------------------------------------------------------------------------------

    public ContainerState create(ContainerSpec spec) {
        if (containers.containsKey(spec.id())) throw new IllegalStateException("container exists: " + spec.id());
        requireKernelFor(spec.mounts());
        String parent = spec.cgroupParent() != null ? spec.cgroupParent() : options.cgroupParent();
        Cgroup cgroup = cgroupFor(parent, spec.id());
        Path dir = containerDir(spec.id());
        try (Undo undo = new Undo()) {
            // the record first, as the journal of what follows: a daemon killed before the full record below
            // leaves a CREATED container that the next start-up deletes, cgroup and directory with it (a cgroup
            // made without one was found by nobody: its parent is only in the record)
            store.save(new ContainerRecord(spec, ContainerStatus.CREATED, 0, 0, Instant.now(), null, null, null,
                    false, true, parent));
            undo.push(() -> store.remove(spec.id()));
            Files.createDirectories(dir.resolve("upper"));
            Files.createDirectories(dir.resolve("work"));
            Files.createDirectories(dir.resolve("rootfs"));
            undo.push(() -> Trash.deleteTree(dir));
            CrashPoints.reach(CrashPoints.CONTAINER_DIRS);
            cgroup.create();
            undo.push(cgroup::destroy);
            CrashPoints.reach(CrashPoints.CONTAINER_CGROUP);
            // without this, CAP_MKNOD (in the default set) opens any device node of the host
            cgroup.restrictDevices(allowedDevices(spec));
            Resources applied = withDefaultSwap(cgroup, spec.resources());
            cgroup.apply(applied);
            CrashPoints.reach(CrashPoints.CONTAINER_CGROUP_SET);
            ContainerRecord r = new ContainerRecord(spec.withResources(applied), ContainerStatus.CREATED, 0, 0,
                    Instant.now(), null, null, null, false, true, parent);
            store.save(r);
            CrashPoints.reach(CrashPoints.CONTAINER_RUNTIME_RECORD);
            Container c = new Container(r, cgroup);
            if (containers.putIfAbsent(spec.id(), c) != null) throw new IllegalStateException("container exists");
            undo.commit();
            return c.state();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Mounts that need a kernel feature jcri has no other way to provide are refused before anything is made:
     * recursive read-only (mount_setattr; kubelet asks only where Status offers it, as containerd offers it only
     * where the kernel has it) and bidirectional propagation (open_tree).
     */
    private void requireKernelFor(List<MountSpec> mounts) {
        for (MountSpec m : mounts) {
            if (m.recursiveReadOnly() && !kernel.has(KernelFeature.MOUNT_SETATTR))
                throw new IllegalArgumentException("mount " + m.containerPath() + " asks for recursive_read_only,"
                        + " which needs mount_setattr (Linux 5.12+); kernel " + kernel.release() + " lacks it");
            if (m.propagation() == MountSpec.Propagation.BIDIRECTIONAL && !kernel.has(KernelFeature.OPEN_TREE))
                throw new IllegalArgumentException("mount " + m.containerPath() + " asks for bidirectional"
                        + " propagation, which needs open_tree (Linux 5.2+); kernel " + kernel.release() + " lacks it");
        }
    }

    /** containerd's default rules plus the configured devices (each with its access); everything if privileged. */
    private static List<DeviceRule> allowedDevices(ContainerSpec spec) {
        if (spec.security().privileged()) return DeviceRule.ALLOW_ALL;
        List<DeviceRule> rules = new ArrayList<>(DeviceRule.DEFAULT_ALLOWED);
        for (DeviceSpec d : spec.devices()) rules.add(d.cgroupRule());
        return rules;
    }

    /** Starts the container's process; returns the daemon's ends of its stdio (see {@link ProcessIO}). */
    public ProcessIO start(String id) {
        return start(id, Phases.NONE);
    }

    /**
     * The same, timing its phases into {@code phases}: {@code runtime.prepare} (security, namespace plan, cgroup
     * view, the OOM count at start), the launcher's ({@link ContainerLauncher#launch(ContainerLauncher.Request,
     * Phases)}), then {@code runtime.record} (start time, the state file, the exit watch).
     */
    public ProcessIO start(String id, Phases phases) {
        Container c = get(id);
        synchronized (c) {
            if (c.record.status() != ContainerStatus.CREATED)
                throw new IllegalStateException("container " + id + " is " + c.record.status());
            ContainerSpec spec = c.record.spec();
            PodNamespaces podNs = spec.podId() == null ? null : pods.current(spec.podId());
            if (spec.podId() != null && podNs == null
                    && (spec.namespaces().network() == NamespaceMode.POD || spec.namespaces().ipc() == NamespaceMode.POD))
                throw new IllegalStateException("pod " + spec.podId() + " has no namespaces");
            if (spec.namespaces().pid() == NamespaceMode.POD && podInits.lost(spec.podId()))
                throw new IllegalStateException("the init of pod " + spec.podId()
                        + " ended: its PID namespace takes no new process");
            long targetPid = spec.namespaces().pid() == NamespaceMode.TARGET
                    ? get(spec.namespaces().targetId()).record.pid() : 0;
            LaunchSecurity security = SecurityResolution.resolve(spec.security(), spec.lowerDirs());
            Path dir = containerDir(id);
            ContainerLauncher.Launched launched;
            try (NamespacePlan ns = NamespacePlan.resolve(spec.namespaces(), podNs, targetPid)) {
                boolean privileged = spec.security().privileged();
                CgroupFsView cgroupView = cgroupView(privileged);
                if (cgroupView != null && !cgroupView.unified()) ns.withCgroupNamespace();
                List<String> masked = privileged ? List.of() : orDefault(spec.security().maskedPaths(),
                        MaskedPaths.masked(false));
                List<String> readonly = privileged ? List.of() : orDefault(spec.security().readonlyPaths(),
                        MaskedPaths.readonly(false));
                c.oomKillsAtStart = c.cgroup.oomKillCount();
                phases.mark("runtime.prepare");
                launched = ContainerLauncher.launch(new ContainerLauncher.Request(id, dir.resolve("rootfs"),
                        spec.lowerDirs(), dir.resolve("upper"), dir.resolve("work"), etcFiles(spec), spec.mounts(),
                        spec.process(), ns, spec.hostname(), security, spec.security().readonlyRootfs(), masked,
                        readonly, c.cgroup, !procPidnsSupported, helper, gateFifo(id), dir,
                        cgroupView, spec.devices()), phases);
            }
            c.pidfd = launched.pidfd();
            c.record = c.record.withStatus(ContainerStatus.RUNNING, launched.pid(), ProcStat.startTime(launched.pid()),
                    Instant.now());
            store.save(c.record);
            c.exit = reaper.watch(launched.pidfd());
            c.exit.thenAccept(exit -> onExit(c, exit));
            ProcessIO io = io(launched.stdio());
            phases.mark("runtime.record");
            return io;
        }
    }

    /**
     * The daemon's ends of a running container's stdio again, after a restart: stdout/stderr and a stdin kept open
     * (without stdin_once) are FIFOs in the container's directory, so output written meanwhile (up to the pipe
     * buffer) is still there and stdin was never closed. Stdout/stderr that went to files, a stdin_once stdin and
     * ttys cannot be reattached (null streams).
     */
    public ProcessIO reattachOutput(String id) {
        Container c = get(id);
        Path dir = containerDir(id);
        java.io.OutputStream in = null;
        java.io.InputStream out = null, err = null;
        if (c.record.status() == ContainerStatus.RUNNING) {
            if (Files.exists(dir.resolve("stdin"))) in = FdStreams.out(Stdio.reopenInput(dir.resolve("stdin")));
            if (Files.exists(dir.resolve("stdout"))) out = FdStreams.in(Stdio.reopenOutput(dir.resolve("stdout")));
            if (Files.exists(dir.resolve("stderr"))) err = FdStreams.in(Stdio.reopenOutput(dir.resolve("stderr")));
        }
        return new ProcessIO(in, out, err);
    }

    private void onExit(Container c, Exit exit) {
        synchronized (c) {
            // As containerd: an OOM kill anywhere in the container's cgroup during its life (v2 memory.events
            // oom_kill, v1 memory.oom_control oom_kill) makes its reason OOMKilled, whatever its exit code (a
            // shell whose child the OOM killer chose exits with its own status). Read now, before the cgroup goes.
            boolean oom = c.cgroup.oomKillCount() > c.oomKillsAtStart;
            if (c.record.spec().namespaces().pid() != NamespaceMode.CONTAINER) c.cgroup.killAll();
            c.record = c.record.exited(exit.at(), exit.code(), oom, exit.known());
            Native.closeQuietly(c.pidfd);
            c.pidfd = -1;
            if (containers.get(c.id()) == c) store.save(c.record);
        }
        c.exited.complete(c.state());
        if (adopted.remove(c.id())) forgetExitLogIfUnneeded();
    }

    /**
     * CRI StopContainer: {@code signal} (the image's StopSignal, SIGTERM by default), then SIGKILL of every process
     * in the container's cgroup once {@code timeout} has passed. Returns once the container exited.
     */
    public ContainerState stop(String id, Duration timeout, int signal) {
        Container c = get(id);
        CompletableFuture<Exit> exit;
        synchronized (c) {
            if (c.record.status() != ContainerStatus.RUNNING) return c.state();
            exit = c.exit;
            Native.syscall(Sc.PIDFD_SEND_SIGNAL, c.pidfd, signal <= 0 ? Sc.SIGTERM : signal, 0, 0, 0, 0);
        }
        if (!await(exit, timeout)) {
            synchronized (c) {
                if (c.pidfd >= 0) Native.syscall(Sc.PIDFD_SEND_SIGNAL, c.pidfd, Sc.SIGKILL, 0, 0, 0, 0);
            }
            // PID 1 of its own PID namespace: once it is dead the kernel kills the rest of the namespace and waits
            // for them before the exit is reported, and nothing can fork into it meanwhile. Otherwise other
            // processes may be in the cgroup: kill them all (freezing it) now.
            boolean ownPidNamespace = c.record.spec().namespaces().pid() == NamespaceMode.CONTAINER;
            if (!ownPidNamespace) c.cgroup.killAll();
            if (!await(exit, Duration.ofSeconds(30)))
                throw new IllegalStateException("container " + id + " did not exit after SIGKILL");
            // anything left in the cgroup (it cannot be in the dead namespace): a no-op when it is empty
            if (ownPidNamespace) c.cgroup.killAll();
        }
        waitForRecord(c);
        return c.state();
    }

    /** CRI RemoveContainer: kills it if still running, then removes its cgroup, writable layer and state. */
    public void delete(String id) {
        Container c = containers.get(id);
        if (c == null) return;
        if (c.record.status() == ContainerStatus.RUNNING) stop(id, Duration.ZERO, Sc.SIGKILL);
        synchronized (c) {
            c.cgroup.killAll(); // a no-op on an empty cgroup
            destroyCgroup(c.cgroup);
            // the writable layer and the container's files: renamed away now (the id may be reused at once),
            // deleted in the background
            trash.discard(containerDir(id));
            store.remove(id);
            containers.remove(id, c);
        }
    }

    public ContainerState state(String id) {
        return get(id).state();
    }

    public List<ContainerState> list() {
        return containers.values().stream().map(Container::state)
                .sorted(Comparator.comparing(ContainerState::id)).toList();
    }

    /** Waits until the container exited (or the timeout passed); returns its state. */
    public ContainerState awaitExit(String id, Duration timeout) {
        Container c = get(id);
        if (await(c.exit, timeout)) waitForRecord(c);
        return c.state();
    }

    /**
     * CRI UpdateContainerResources: applies the limits that are set (with containerd's swap default, see
     * {@link #withDefaultSwap}) and returns what was applied.
     */
    public Resources updateResources(String id, Resources resources) {
        Container c = get(id);
        synchronized (c) {
            Resources applied = withDefaultSwap(c.cgroup, resources);
            c.cgroup.apply(applied);
            Resources before = c.record.spec().resources();
            Resources recorded = applied.memoryLimitBytes() == null && applied.memorySwapLimitBytes() == null
                    ? applied.withMemory(before.memoryLimitBytes(), before.memorySwapLimitBytes()) : applied;
            c.record = new ContainerRecord(c.record.spec().withResources(recorded), c.record.status(),
                    c.record.pid(), c.record.pidStartTime(), c.record.createdAt(), c.record.startedAt(),
                    c.record.finishedAt(), c.record.exitCode(), c.record.oomKilled(), c.record.exitKnown(),
                    c.record.cgroupParent());
            store.save(c.record);
            return applied;
        }
    }

    /**
     * The cgroup limits in force as the runtime wrote them: the create request's, then each update's memory
     * (with its swap default) and the last update's other fields.
     */
    public Resources appliedResources(String id) {
        return get(id).record.spec().resources();
    }

    /**
     * The container as an OCI runtime spec (config.json's JSON shape): what {@code crictl inspect} shows as
     * {@code info.runtimeSpec} on containerd. See {@link OciSpecView}.
     */
    public Map<String, Object> ociSpec(String id) {
        Container c = get(id);
        ContainerRecord r = c.record;
        ContainerSpec spec = r.spec();
        PodNamespaces pod = null;
        if (spec.podId() != null) {
            try {
                pod = pods.current(spec.podId());
            } catch (RuntimeException e) {
                // the pod's namespaces are gone: the view shows no paths for them
            }
        }
        long targetPid = 0;
        if (spec.namespaces().pid() == NamespaceMode.TARGET) {
            Container target = containers.get(spec.namespaces().targetId());
            targetPid = target == null ? 0 : target.record.pid();
        }
        CgroupFsView view = cgroupView(spec.security().privileged());
        String parent = r.cgroupParent() != null ? r.cgroupParent() : options.cgroupParent();
        return OciSpecView.render(spec, new OciSpecView.Facts(containerDir(id).resolve("rootfs"), pod, targetPid,
                "/" + cgroups.containerPath(parent, id), view != null, view != null,
                view != null && view.unified()));
    }

    /**
     * containerd's CRI plugin (WithResources, 1.6 and 2.x): a memory limit without a memory+swap limit gets a
     * memory+swap limit equal to it, so that the container does not swap, where the kernel accounts swap
     * (v1 memory.memsw.*, v2 memory.swap.max; on v2 that is memory.swap.max 0). Measured on containerd 1.6.20
     * here: a 64 MiB update reports memory_swap_limit_in_bytes 67108864 and memory.memsw.limit_in_bytes holds it.
     */
    static Resources withDefaultSwap(Cgroup cgroup, Resources r) {
        Long memory = r.memoryLimitBytes();
        Long swap = r.memorySwapLimitBytes();
        if (memory == null || memory <= 0 || (swap != null && swap != 0) || !cgroup.accountsSwap()) return r;
        return r.withMemory(memory, memory);
    }

    /** CRI ContainerStats: the container's cgroup statistics, with a timestamp. */
    public ContainerStats stats(String id) {
        return new ContainerStats(Instant.now(), get(id).cgroup.stats());
    }

    /**
     * Completes once the container's exit is recorded (at once if it already exited), on the supervisor's thread:
     * callers keep their callbacks short. One shared watcher, no thread per container.
     */
    public CompletableFuture<ContainerState> exited(String id) {
        Container c = get(id);
        synchronized (c) {
            if (c.record.status() == ContainerStatus.EXITED) c.exited.complete(c.state());
        }
        return c.exited.copy();
    }

    /** The container's writable layer (its overlay upper directory), for CRI stats. */
    public Path writableLayer(String id) {
        get(id);
        return containerDir(id).resolve("upper");
    }

    /** The cgroup directory (memory controller on v1) of a container, for diagnostics and tests. */
    public Path cgroupPath(String id) {
        return get(id).cgroup.path();
    }

    // ---- exec -------------------------------------------------------------------------------------------

    /** CRI Exec: a new process in the container's namespaces, cgroup, root and security settings. */
    public ExecProcess exec(String id, ProcessSpec process) {
        Container c = get(id);
        ContainerLauncher.Launched launched;
        synchronized (c) {
            if (c.record.status() != ContainerStatus.RUNNING || c.pidfd < 0)
                throw new IllegalStateException("container " + id + " is not running");
            ContainerSpec spec = c.record.spec();
            LaunchSecurity security = SecurityResolution.resolve(spec.security(), spec.lowerDirs());
            launched = ExecLauncher.exec(id, (int) c.record.pid(), c.pidfd, process, security, c.cgroup,
                    gateFifo(id));
        }
        CompletableFuture<Exit> exit = reaper.watch(launched.pidfd());
        int pidfd = launched.pidfd();
        CompletableFuture<Integer> code = exit.thenApply(e -> {
            Native.closeQuietly(pidfd);
            return e.code();
        });
        ProcessIO io = io(launched.stdio());
        int master = launched.stdio().ptyMaster;
        return new ExecProcess() {
            public long pid() { return launched.pid(); }
            public ProcessIO io() { return io; }
            public CompletableFuture<Integer> exitCode() { return code; }
            public void kill(int signal) {
                if (!code.isDone()) Native.syscall(Sc.PIDFD_SEND_SIGNAL, pidfd, signal, 0, 0, 0, 0);
            }
            public void resize(int columns, int rows) { Tty.resize(master, columns, rows); }
        };
    }

    /** CRI ExecSync: runs to completion (killed at the timeout), capturing stdout and stderr. */
    public ExecResult execSync(String id, ProcessSpec process, Duration timeout) {
        ExecProcess p = exec(id, process.withStdio(null, null).withTty(false, false));
        CompletableFuture<byte[]> out = drain(p.io().stdout());
        CompletableFuture<byte[]> err = drain(p.io().stderr());
        boolean timedOut = false;
        int code;
        try {
            code = p.exitCode().get(timeout.isZero() ? Long.MAX_VALUE : timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            timedOut = true;
            p.kill(Sc.SIGKILL);
            code = p.exitCode().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.kill(Sc.SIGKILL);
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        try {
            // a background child may keep the pipes open: do not wait for it forever
            return new ExecResult(code, out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS), timedOut);
        } catch (Exception e) {
            return new ExecResult(code, out.getNow(new byte[0]), err.getNow(new byte[0]), timedOut);
        } finally {
            try {
                p.io().close();
            } catch (IOException ignored) {
                // closing our pipe ends
            }
        }
    }

    // ---- recovery ---------------------------------------------------------------------------------------

    /**
     * Finds the containers of a previous daemon from the state dir. Running ones (same pid and start time) are
     * watched again; for the others, the subreaper's exit log tells how they ended while no daemon watched
     * (without one the status is unknown: 255). The inits of shared-PID pods are found again the same way.
     */
    public List<ContainerState> recover() {
        podInits.recover();
        List<ContainerState> out = new ArrayList<>();
        List<ExitLog.Entry> logged = exitLog == null ? List.of() : exitLog.read();
        for (ContainerRecord r : store.loadAll()) {
            String id = r.spec().id();
            if (containers.containsKey(id)) continue;
            Container c = new Container(r, cgroupFor(r.cgroupParent(), id));
            containers.put(id, c);
            if (r.status() == ContainerStatus.RUNNING) {
                int pidfd = ProcStat.openPidfd(r.pid(), r.pidStartTime());
                if (pidfd >= 0) {
                    adopted.add(id);
                    c.pidfd = pidfd;
                    c.exit = reaper.watchAdopted(pidfd, r.pid(), r.pidStartTime());
                    c.exit.thenAccept(exit -> onExit(c, exit));
                } else {
                    Optional<Exit> exit = ExitLog.find(logged, r.pid(), r.pidStartTime());
                    LOG.info("container " + id + " (pid " + r.pid() + ") ended while no daemon watched: "
                            + exit.map(e -> "exit code " + e.code() + " from the subreaper's exit log")
                            .orElse("its exit code is unknown"));
                    onExit(c, exit.orElseGet(() -> new Exit(255, 0, Instant.now(), false)));
                }
            }
            out.add(c.state());
        }
        forgetExitLogIfUnneeded();
        return out;
    }

    /** The log only matters while adopted containers run; emptying it then keeps it from growing forever. */
    private void forgetExitLogIfUnneeded() {
        if (exitLog != null && adopted.isEmpty()) exitLog.clear();
    }

    /** Stops supervising (containers keep running); a new instance can {@link #recover()} them. */
    @Override
    public void close() {
        try {
            // bounded: what is left is deleted by the next start-up
            trash.awaitEmpty(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reaper.close();
        podInits.close();
        if (ownsCgroups) cgroups.close();
        for (Container c : containers.values()) {
            synchronized (c) {
                Native.closeQuietly(c.pidfd);
                c.pidfd = -1;
            }
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    private Container get(String id) {
        Container c = containers.get(id);
        if (c == null) throw new NoSuchElementException("no such container: " + id);
        return c;
    }

    /** cgroup v2 only: a fresh FIFO path for the {@code CgroupGate} of one launch or exec. */
    private Path gateFifo(String id) {
        if (cgroups.mode() != CgroupMode.V2) return null;
        return containerDir(id).resolve("gate-" + gateSeq.incrementAndGet());
    }

    /** The container's own /sys/fs/cgroup (in its own cgroup namespace), null if it gets none. */
    private CgroupFsView cgroupView(boolean privileged) {
        if (cgroups.mode() == CgroupMode.V2) return CgroupFsView.unified(privileged);
        return cgroupFs.isEmpty() ? null : cgroupFs.withWritable(privileged);
    }

    private Path containerDir(String id) {
        return options.rootDir().resolve("containers").resolve(id);
    }

    private Cgroup cgroupFor(String parent, String id) {
        return cgroups.forContainer(parent, id);
    }

    private static List<ContainerLauncher.RootfsFile> etcFiles(ContainerSpec s) {
        List<ContainerLauncher.RootfsFile> files = new ArrayList<>();
        if (s.hostsFile() != null) files.add(new ContainerLauncher.RootfsFile("/etc/hosts", s.hostsFile()));
        if (s.resolvConfFile() != null)
            files.add(new ContainerLauncher.RootfsFile("/etc/resolv.conf", s.resolvConfFile()));
        if (s.hostnameFile() != null) files.add(new ContainerLauncher.RootfsFile("/etc/hostname", s.hostnameFile()));
        return files;
    }

    private static List<String> orDefault(List<String> given, List<String> defaults) {
        return given == null ? defaults : given;
    }

    private static boolean await(CompletableFuture<?> f, Duration timeout) {
        try {
            f.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return f.isDone();
        } catch (ExecutionException e) {
            return true;
        }
    }

    /**
     * The exit callback runs on the reaper thread; wait until it recorded the exit ({@code exited} completes right
     * after the record changed).
     */
    private static void waitForRecord(Container c) {
        await(c.exited, Duration.ofSeconds(10));
    }

    /**
     * Removes the cgroup; {@link Cgroup#destroy} itself waits (on pidfds) for killed processes to leave it. If it
     * still fails, something got in after the kill: kill again and retry once.
     */
    private static void destroyCgroup(Cgroup cg) {
        try {
            cg.destroy();
        } catch (RuntimeException e) {
            cg.killAll();
            cg.destroy();
        }
    }

    private static ProcessIO io(Stdio s) {
        if (s.ptyMaster >= 0) {
            int dup = Native.check(Native.C.fcntl(s.ptyMaster, 1030 /* F_DUPFD_CLOEXEC */, 3), "dup pty");
            return new ProcessIO(FdStreams.out(dup), FdStreams.in(s.ptyMaster), null);
        }
        return new ProcessIO(FdStreams.out(s.stdinWrite), FdStreams.in(s.stdoutRead), FdStreams.in(s.stderrRead));
    }

    private static CompletableFuture<byte[]> drain(InputStream in) {
        if (in == null) return CompletableFuture.completedFuture(new byte[0]);
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        Thread t = new Thread(() -> f.complete(readCapped(in)), "jcri-exec-output");
        t.setDaemon(true);
        t.start();
        return f;
    }

    /** The first {@link #EXEC_OUTPUT_CAP} bytes of a stream; the rest is read and dropped so the writer never blocks. */
    static byte[] readCapped(InputStream in) {
        java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                int room = EXEC_OUTPUT_CAP - kept.size();
                if (room > 0) {
                    kept.write(buf, 0, Math.min(room, n));
                }
            }
        } catch (IOException e) {
            // the process's side closed: what was read is the output
        }
        return kept.toByteArray();
    }

    private static Path installHelper(Path target) throws IOException {
        byte[] image = InitElf.image();
        if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), image)) return target;
        Files.createDirectories(target.getParent());
        StaticElf.install(target, image, "r-xr-xr-x");
        return target;
    }
}
