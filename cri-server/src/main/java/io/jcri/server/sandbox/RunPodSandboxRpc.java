package io.jcri.server.sandbox;

import io.jcri.cri.v1.NamespaceMode;
import io.jcri.cri.v1.NamespaceOption;
import io.jcri.cri.v1.PodSandboxConfig;
import io.jcri.cri.v1.PodSandboxMetadata;
import io.jcri.cri.v1.PortMapping;
import io.jcri.cri.v1.RunPodSandboxRequest;
import io.jcri.cri.v1.RunPodSandboxResponse;
import io.jcri.runtime.ContainerRuntime;
import io.jcri.runtime.CrashPoints;
import io.jcri.runtime.PodNamespaces;
import io.jcri.runtime.PodSpec;
import io.jcri.runtime.launch.Undo;
import io.jcri.runtime.pod.PodSysctls;
import io.jcri.cri.v1.ContainerEventType;
import io.jcri.runtime.Phases;
import io.jcri.server.events.ContainerEvents;
import io.jcri.server.grpc.CriException;
import io.jcri.server.network.CniResult;
import io.jcri.server.metrics.ContainerMetrics;
import io.jcri.server.network.PodNetwork;
import io.jcri.server.network.PodNetworkRequest;
import io.jcri.server.store.Ids;
import io.jcri.server.store.Sandbox;
import io.jcri.server.store.SandboxState;
import io.jcri.server.store.SandboxStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * {@code RunPodSandbox}: pinned namespaces (no pause image, no infra process), the pod's /etc files and, unless
 * it uses the host network, a CNI network. Every step is undone if a later one fails.
 */
public final class RunPodSandboxRpc {
    /** The names kubelet may send as runtime_handler for jcri's one handler. */
    public static final Set<String> HANDLERS = Set.of("", "jcri");
    private static final Logger LOG = Logger.getLogger(RunPodSandboxRpc.class.getName());

    private final SandboxStore sandboxes;
    private final ContainerRuntime runtime;
    private final PodNetwork network;
    private final Path sandboxRoot;
    private final ContainerEvents events;

    public RunPodSandboxRpc(SandboxStore sandboxes, ContainerRuntime runtime, PodNetwork network, Path sandboxRoot,
                            ContainerEvents events) {
        this.sandboxes = sandboxes;
        this.runtime = runtime;
        this.network = network;
        this.sandboxRoot = sandboxRoot;
        this.events = events;
    }

    public RunPodSandboxResponse run(RunPodSandboxRequest request) {
        Phases phases = new Phases();
        PodSandboxConfig config = request.getConfig();
        validate(config);
        if (!HANDLERS.contains(request.getRuntimeHandler())) {
            throw CriException.invalidArgument("unknown runtime handler \"" + request.getRuntimeHandler()
                    + "\"; jcri has only the default handler (\"\")");
        }
        String id = Ids.newId();
        Sandbox sandbox = new Sandbox(id, config, System.currentTimeMillis() * 1_000_000L, sandboxRoot.resolve(id),
                request.getRuntimeHandler(), SandboxState.READY, List.of());
        sandboxes.reserveName(sandbox.fullName(), id);
        phases.mark("validate");
        try (Undo undo = new Undo()) {
            undo.push(() -> sandboxes.releaseName(sandbox.fullName(), id));
            NamespaceOption ns = config.getLinux().getSecurityContext().getNamespaceOptions();
            boolean hostNetwork = ns.getNetwork() == NamespaceMode.NODE;
            String hostname = PodHostname.of(config);
            undo.push(() -> SandboxDirs.delete(sandbox.dir()));
            SandboxFiles.write(sandbox.dir(), config, hostname);
            phases.mark("files");
            CrashPoints.reach(CrashPoints.SANDBOX_FILES);

            // a shared-PID pod's init is accounted in the pod's cgroup parent, like its containers
            PodNamespaces namespaces = runtime.createPodNamespaces(new PodSpec(id, hostname,
                    NamespaceModes.toRuntime(ns.getNetwork()), NamespaceModes.toRuntime(ns.getPid()),
                    NamespaceModes.toRuntime(ns.getIpc()), config.getLinux().getCgroupParent(),
                    config.getLinux().getSysctlsMap()));
            undo.push(() -> runtime.removePodNamespaces(id));
            phases.mark("namespaces");
            CrashPoints.reach(CrashPoints.SANDBOX_NAMESPACES);

            List<String> ips = List.of();
            if (!hostNetwork) {
                var meta = config.getMetadata();
                CniResult result = network.attach(new PodNetworkRequest(id, namespaces.net(), meta.getName(),
                        meta.getNamespace(), meta.getUid(), portMappings(config)), phases);
                undo.push(() -> network.detach(id));
                ips = result.ips();
                phases.mark("network");
                CrashPoints.reach(CrashPoints.SANDBOX_NETWORK);
            }
            sandboxes.add(sandbox, SandboxState.READY, ips);
            undo.push(() -> sandboxes.remove(sandbox));
            if (!hostNetwork) {
                // the CNI cache's fsync ran beside the plugins and this record's own: both on the disk before
                // the client gets the id
                network.awaitCached(id);
            }
            CrashPoints.reach(CrashPoints.SANDBOX_RECORD);
            undo.commit();
            phases.mark("record");
            events.sandbox(sandbox, ContainerEventType.CONTAINER_CREATED_EVENT);
            events.sandbox(sandbox, ContainerEventType.CONTAINER_STARTED_EVENT);
            phases.mark("events");
            ContainerMetrics.observe(ContainerMetrics.SANDBOX_RUN_PHASES, phases);
            if (LOG.isLoggable(java.util.logging.Level.FINE)) {
                LOG.fine("ran sandbox " + id + ": " + phases.summary());
            }
            LOG.info("sandbox " + id + " (" + sandbox.fullName() + ") ready" + (ips.isEmpty() ? "" : " at " + ips));
            return RunPodSandboxResponse.newBuilder().setPodSandboxId(id).build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare sandbox " + id, e);
        }
    }

    private static void validate(PodSandboxConfig config) {
        io.jcri.server.validation.SandboxRequestLimits.check(config);
        PodSandboxMetadata m = config.getMetadata();
        List<String> missing = new ArrayList<>();
        if (m.getName().isEmpty()) {
            missing.add("metadata.name");
        }
        if (m.getNamespace().isEmpty()) {
            missing.add("metadata.namespace");
        }
        if (m.getUid().isEmpty()) {
            missing.add("metadata.uid");
        }
        if (!missing.isEmpty()) {
            throw CriException.invalidArgument("RunPodSandbox: the sandbox config lacks " + String.join(", ", missing));
        }
        NamespaceOption ns = config.getLinux().getSecurityContext().getNamespaceOptions();
        if (ns.getNetwork() == NamespaceMode.TARGET || ns.getIpc() == NamespaceMode.TARGET) {
            throw CriException.invalidArgument("RunPodSandbox: network and ipc namespaces cannot be TARGET");
        }
        PodHostname.validate(config.getHostname(), ns.getNetwork() == NamespaceMode.NODE);
        DnsConfigCheck.validate(config.getDnsConfig());
        try {
            PodSysctls.check(config.getLinux().getSysctlsMap(), NamespaceModes.toRuntime(ns.getNetwork()),
                    NamespaceModes.toRuntime(ns.getIpc()));
        } catch (IllegalArgumentException e) {
            throw CriException.invalidArgument("RunPodSandbox: linux.sysctls: " + e.getMessage());
        }
    }

    private static List<io.jcri.server.network.PortMapping> portMappings(PodSandboxConfig config) {
        List<io.jcri.server.network.PortMapping> out = new ArrayList<>();
        for (PortMapping pm : config.getPortMappingsList()) {
            if (pm.getHostPort() <= 0) {
                continue; // a containerPort without hostPort needs no mapping
            }
            try {
                out.add(new io.jcri.server.network.PortMapping(pm.getHostPort(), pm.getContainerPort(),
                        pm.getProtocol().name(), pm.getHostIp()));
            } catch (IllegalArgumentException e) {
                throw CriException.invalidArgument("RunPodSandbox: " + e.getMessage());
            }
        }
        return out;
    }
}
