package io.jcri.server.container;

import io.jcri.cri.v1.StartContainerRequest;
import io.jcri.cri.v1.StartContainerResponse;
import io.jcri.runtime.ContainerRuntime;
import io.jcri.runtime.ContainerStatus;
import io.jcri.runtime.ProcessIO;
import io.jcri.server.events.ContainerEvents;
import io.jcri.server.grpc.CriException;
import io.jcri.server.metrics.ContainerMetrics;
import io.jcri.server.store.Container;
import io.jcri.server.store.ContainerStore;
import io.jcri.server.validation.HostPaths;
import io.jcri.runtime.Phases;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/** {@code StartContainer}: runs the created container's process and starts copying its output to its log. */
public final class StartContainerRpc {
    private static final Logger LOG = Logger.getLogger(StartContainerRpc.class.getName());
    private final ContainerStore containers;
    private final ContainerRuntime runtime;
    private final ContainerLogs logs;
    private final ContainerEvents events;
    private final List<Path> protectedDirs;

    public StartContainerRpc(ContainerStore containers, ContainerRuntime runtime, ContainerLogs logs,
                              ContainerEvents events) {
        this(containers, runtime, logs, events, List.of());
    }

    /** @param protectedDirs jcri's own directories, checked again against the mounts' sources before the start */
    public StartContainerRpc(ContainerStore containers, ContainerRuntime runtime, ContainerLogs logs,
                              ContainerEvents events, List<Path> protectedDirs) {
        this.containers = containers;
        this.runtime = runtime;
        this.logs = logs;
        this.events = events;
        this.protectedDirs = HostPaths.resolvedDirs(protectedDirs);
    }

    public StartContainerResponse start(StartContainerRequest request) {
        Phases phases = new Phases();
        Container c = containers.get(request.getContainerId());
        synchronized (c) {
            phases.mark("lock");
            ContainerStatus status = runtime.state(c.id()).status();
            if (status != ContainerStatus.CREATED) {
                throw CriException.failedPrecondition("StartContainer: container " + c.id() + " is "
                        + status.name().toLowerCase() + ", only a created container can be started");
            }
            // a host_path that became a link into jcri's directories since CreateContainer checked it
            for (var m : c.config().getMountsList()) {
                HostPaths.resolve("StartContainer", m.getHostPath(), m.getContainerPath(), protectedDirs);
            }
            checkPidTarget(c);
            phases.mark("checks");
            ProcessIO io;
            try (var timer = ContainerMetrics.LAUNCH.startTimer()) {
                io = runtime.start(c.id(), phases);
            } catch (IllegalStateException e) {
                throw CriException.failedPrecondition("StartContainer: " + e.getMessage());
            } catch (io.jcri.runtime.sys.NativeException e) {
                throw StartFailures.of("StartContainer", c.id(), e);
            }
            ContainerMetrics.STARTS.inc();
            logs.attach(c, io);
            phases.mark("logs");
            events.containerStarted(c);
            phases.mark("events");
        }
        ContainerMetrics.observe(ContainerMetrics.START_PHASES, phases);
        if (LOG.isLoggable(Level.FINE)) {
            LOG.fine("started container " + c.id() + ": " + phases.summary());
        }
        return StartContainerResponse.getDefaultInstance();
    }

    /** CreateContainer checked the pid target; it may have ended or been removed since. */
    private void checkPidTarget(Container c) {
        var ns = c.config().getLinux().getSecurityContext().getNamespaceOptions();
        if (ns.getPid() != io.jcri.cri.v1.NamespaceMode.TARGET) {
            return;
        }
        String target = ns.getTargetId();
        Container t = containers.find(target).orElseThrow(() -> CriException.notFound("StartContainer: the pid"
                + " target container " + io.jcri.server.grpc.Quoted.of(target) + " of container " + c.id()
                + " no longer exists"));
        ContainerStatus status;
        try {
            status = runtime.state(t.id()).status();
        } catch (RuntimeException e) {
            status = null;
        }
        if (status != ContainerStatus.RUNNING) {
            throw CriException.failedPrecondition("StartContainer: the pid target container " + t.id()
                    + " of container " + c.id() + " is not running; its PID namespace can only be joined while it"
                    + " runs");
        }
    }
}
