package io.jcri.server.daemon;

import io.grpc.BindableService;
import io.jcri.image.ImageService;
import io.jcri.runtime.ContainerRuntime;
import io.jcri.runtime.RuntimeOptions;
import io.jcri.runtime.cgroup.CgroupDriver;
import io.jcri.server.config.CgroupDriverName;
import io.jcri.server.config.JcriConfig;
import io.jcri.server.container.ContainerLifecycle;
import io.jcri.server.container.ContainerLogs;
import io.jcri.server.container.ContainerSpecFactory;
import io.jcri.server.container.ContainerStatusRpc;
import io.jcri.server.container.CreateContainerRpc;
import io.jcri.server.container.ExecSyncRpc;
import io.jcri.server.container.ListContainersRpc;
import io.jcri.server.container.RemoveContainerRpc;
import io.jcri.server.container.ReopenContainerLogRpc;
import io.jcri.server.container.RestartRecovery;
import io.jcri.server.container.StartContainerRpc;
import io.jcri.server.container.StopContainerRpc;
import io.jcri.server.container.StopSignals;
import io.jcri.server.container.UpdateContainerResourcesRpc;
import io.jcri.server.events.ContainerEventHub;
import io.jcri.server.events.ContainerEvents;
import io.jcri.server.events.GetContainerEventsRpc;
import io.jcri.server.image.ImageServiceImpl;
import io.jcri.server.image.ImageStoreFactory;
import io.jcri.server.metrics.CriStateCollector;
import io.jcri.server.network.PodNetwork;
import io.jcri.server.runtime.NetworkReadyProbe;
import io.jcri.server.runtime.RuntimeConditions;
import io.jcri.server.runtime.RuntimeConfigRpc;
import io.jcri.server.runtime.RuntimeReadyProbe;
import io.jcri.server.runtime.RuntimeRpcs;
import io.jcri.server.runtime.RuntimeServiceImpl;
import io.jcri.server.runtime.RuntimeSettings;
import io.jcri.server.runtime.StatusRpc;
import io.jcri.server.runtime.VersionRpc;
import io.jcri.server.sandbox.ListPodSandboxRpc;
import io.jcri.server.sandbox.PodSandboxStatusRpc;
import io.jcri.server.sandbox.RemovePodSandboxRpc;
import io.jcri.server.sandbox.RunPodSandboxRpc;
import io.jcri.server.sandbox.StopPodSandboxRpc;
import io.jcri.server.sandbox.UpdatePodSandboxResourcesRpc;
import io.jcri.server.stats.ContainerStatsRpcs;
import io.jcri.server.stats.PodSandboxMetricsRpcs;
import io.jcri.server.stats.PodSandboxStatsRpcs;
import io.jcri.server.stats.StatsCollector;
import io.jcri.server.store.ContainerStore;
import io.jcri.server.store.SandboxStore;
import io.jcri.server.streaming.StreamingBackend;
import io.jcri.server.streaming.StreamingRpcs;
import io.jcri.server.streaming.StreamingServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;

/**
 * The composition root: builds the engine (runtime, images, network), the stores and every RPC from the
 * configuration, and recovers the state a previous daemon left.
 */
public final class CriServices implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CriServices.class.getName());
    /** How often Status's conditions are re-checked when no CNI dir reported a change. */
    private static final Duration CONDITIONS_PERIOD = Duration.ofSeconds(10);

    private final ImageService images;
    private final ContainerRuntime runtime;
    private final ContainerEventHub eventHub = new ContainerEventHub();
    private final List<BindableService> services;
    private final StreamingServer streaming;
    private final RuntimeConditions conditions;

    /**
     * The launcher runs the daemon under jcri-subreaper and names its exit log in {@code JCRI_EXIT_LOG}; without
     * it, containers that end while the daemon is down are reaped by someone else and their status is lost.
     */
    private static Path exitLogOfLauncher() {
        String log = System.getenv("JCRI_EXIT_LOG");
        if (log == null || log.isBlank()) {
            LOG.warning("not running under jcri-subreaper (start jcri through its launcher): the exit codes of"
                    + " containers that end while jcri is down will be unknown");
            return null;
        }
        return Path.of(log);
    }

    /** The systemd driver's parents are slices: the default "jcri" is then jcri.slice (as runc's system.slice). */
    static String defaultCgroupParent(CgroupDriver driver, String configured) {
        if (driver == CgroupDriver.SYSTEMD && !configured.contains("/") && !configured.endsWith(".slice")) {
            return configured + ".slice";
        }
        return configured;
    }

    public CriServices(JcriConfig config) {
        Path root = config.rootDir();
        Path state = config.stateDir();
        images = ImageStoreFactory.create(config);
        try {
            CgroupDriver driver = config.cgroup().driver() == CgroupDriverName.SYSTEMD
                    ? CgroupDriver.SYSTEMD : CgroupDriver.CGROUPFS;
            runtime = new ContainerRuntime(new RuntimeOptions(root.resolve("runtime"), state.resolve("runtime"),
                    config.runtime().forceProcFallback(), driver,
                    defaultCgroupParent(driver, config.runtime().cgroupParent())).withExitLog(exitLogOfLauncher()));
        } catch (RuntimeException e) {
            images.close();
            throw e;
        }
        List<io.jcri.runtime.ContainerState> recoveredStates = runtime.recover();
        int recovered = recoveredStates.size();
        PodNetwork network = new PodNetwork(config.cni().confDir(), config.cni().binDirs(), state.resolve("cni"),
                Duration.ofSeconds(config.cni().pluginTimeoutSeconds()));
        SandboxStore sandboxes = new SandboxStore(root.resolve("cri/sandboxes"));
        ContainerStore containers = new ContainerStore(root.resolve("cri/containers"));
        io.jcri.server.sandbox.HalfMadeRecovery.run(sandboxes, containers, runtime, recoveredStates, network,
                state.resolve("runtime").resolve("pods"), root.resolve("cri/sandbox-files"));
        images.setImageUsage(containers::usesImage);
        new CriStateCollector(sandboxes, containers, runtime).register();
        LOG.info("recovered " + sandboxes.all().size() + " sandboxes, " + containers.all().size() + " containers ("
                + recovered + " known to the runtime)");

        ContainerLogs logs = new ContainerLogs();
        StreamingBackend streamingBackend = new StreamingBackend(runtime, containers, sandboxes, logs, images);
        try {
            streaming = StreamingServer.start(config.streaming(), streamingBackend);
        } catch (RuntimeException e) {
            eventHub.close();
            runtime.close();
            images.close();
            throw e;
        }
        ContainerEvents events = new ContainerEvents(eventHub, sandboxes, containers, runtime);
        ContainerLifecycle lifecycle = new ContainerLifecycle(containers, runtime, logs, new StopSignals(images),
                events);
        StatsCollector stats = new StatsCollector(containers, runtime);
        RuntimeSettings settings = new RuntimeSettings(state);
        StopPodSandboxRpc stopSandbox = new StopPodSandboxRpc(sandboxes, containers, lifecycle, runtime, network,
                events);
        List<Path> cniDirs = new java.util.ArrayList<>(config.cni().binDirs());
        cniDirs.add(0, config.cni().confDir());
        conditions = new RuntimeConditions(List.of(new RuntimeReadyProbe(root, state), new NetworkReadyProbe(network)),
                cniDirs, CONDITIONS_PERIOD);
        RuntimeRpcs rpcs = new RuntimeRpcs(
                new VersionRpc(),
                new StatusRpc(config, settings, conditions, network, runtime.kernelFeatures()),
                new RuntimeConfigRpc(config, settings),
                new RunPodSandboxRpc(sandboxes, runtime, network, root.resolve("cri/sandbox-files"), events),
                stopSandbox,
                new RemovePodSandboxRpc(sandboxes, stopSandbox, lifecycle, events),
                new PodSandboxStatusRpc(sandboxes, containers, runtime, network),
                new ListPodSandboxRpc(sandboxes),
                new CreateContainerRpc(sandboxes, containers, images, runtime,
                        new ContainerSpecFactory(List.of(root, state)), events),
                new StartContainerRpc(containers, runtime, logs, events, List.of(root, state)),
                new StopContainerRpc(containers, lifecycle),
                new RemoveContainerRpc(containers, lifecycle),
                new ContainerStatusRpc(containers, runtime, images),
                new ListContainersRpc(containers, runtime),
                new UpdateContainerResourcesRpc(containers, runtime),
                new ReopenContainerLogRpc(containers, runtime, logs),
                new ExecSyncRpc(containers, runtime, images),
                new ContainerStatsRpcs(containers, stats),
                new PodSandboxStatsRpcs(sandboxes, stats),
                new PodSandboxMetricsRpcs(sandboxes, stats),
                new UpdatePodSandboxResourcesRpc(sandboxes),
                new GetContainerEventsRpc(eventHub),
                new StreamingRpcs(streaming, streamingBackend));
        new RestartRecovery(sandboxes, containers, runtime, events, logs).run();
        services = List.of(new RuntimeServiceImpl(rpcs), new ImageServiceImpl(images));
    }

    public List<BindableService> services() {
        return services;
    }

    /**
     * Ends the open GetContainerEvents streams (kubelet always holds one), so a graceful shutdown waits only for
     * calls that finish by themselves.
     */
    public void endStreams() {
        eventHub.close();
    }

    /** Stops supervising; running containers keep running for the next daemon to recover. */
    @Override
    public void close() {
        conditions.close();
        streaming.close();
        eventHub.close();
        try {
            runtime.close();
        } finally {
            images.close();
        }
    }
}
