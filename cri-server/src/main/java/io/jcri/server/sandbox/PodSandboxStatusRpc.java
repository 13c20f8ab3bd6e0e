package io.jcri.server.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcri.cri.v1.LinuxPodSandboxStatus;
import io.jcri.cri.v1.Namespace;
import io.jcri.cri.v1.PodIP;
import io.jcri.cri.v1.PodSandboxNetworkStatus;
import io.jcri.cri.v1.PodSandboxState;
import io.jcri.cri.v1.PodSandboxStatus;
import io.jcri.cri.v1.PodSandboxStatusRequest;
import io.jcri.cri.v1.PodSandboxStatusResponse;
import io.jcri.runtime.ContainerRuntime;
import io.jcri.runtime.PodNamespaces;
import io.jcri.server.store.Sandbox;
import io.jcri.server.store.SandboxState;
import io.jcri.server.store.SandboxStore;
import io.jcri.server.container.ContainerStatusRpc;
import io.jcri.server.inspect.GoJson;
import io.jcri.server.network.PodNetwork;
import io.jcri.server.store.ContainerStore;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.List;
import java.util.Map;

/**
 * {@code PodSandboxStatus}: state, creation time, IPs, namespaces, labels and annotations as given. {@code verbose}
 * adds containerd's {@code info} object where jcri has the same facts: {@code pid} (a process in the pod's
 * namespaces, for {@code nsenter -t <pid> -n}), {@code cniResult} (go-cni's shape), {@code config} (the
 * PodSandboxConfig as containerd prints it), {@code runtimeHandler}, {@code runtimeType},
 * {@code netNamespaceClosed}; and jcri's own keys: the pinned namespace files ({@code namespaces}, usable with
 * {@code nsenter --net=<file>} even when no process runs), {@code ips}, {@code dir}, {@code podResources}.
 * containerd's {@code runtimeSpec}, {@code image}, {@code snapshotKey} and {@code processStatus} describe its
 * pause container, which jcri does not have: they are left out rather than invented.
 */
public final class PodSandboxStatusRpc {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SandboxStore sandboxes;
    private final ContainerStore containers;
    private final ContainerRuntime runtime;
    private final PodNetwork network;

    public PodSandboxStatusRpc(SandboxStore sandboxes, ContainerStore containers, ContainerRuntime runtime,
                               PodNetwork network) {
        this.sandboxes = sandboxes;
        this.containers = containers;
        this.runtime = runtime;
        this.network = network;
    }

    public PodSandboxStatusResponse status(PodSandboxStatusRequest request) {
        Sandbox s = sandboxes.get(request.getPodSandboxId());
        PodSandboxStatusResponse.Builder r = PodSandboxStatusResponse.newBuilder().setStatus(toStatus(s));
        if (request.getVerbose()) {
            r.putInfo("info", verbose(s));
        }
        return r.build();
    }

    public static PodSandboxStatus toStatus(Sandbox s) {
        PodSandboxStatus.Builder b = PodSandboxStatus.newBuilder()
                .setId(s.id())
                .setMetadata(s.config().getMetadata())
                .setState(s.state() == SandboxState.READY ? PodSandboxState.SANDBOX_READY
                        : PodSandboxState.SANDBOX_NOTREADY)
                .setCreatedAt(s.createdAtNanos())
                .setLinux(LinuxPodSandboxStatus.newBuilder().setNamespaces(Namespace.newBuilder()
                        .setOptions(s.config().getLinux().getSecurityContext().getNamespaceOptions())))
                .putAllLabels(s.config().getLabelsMap())
                .putAllAnnotations(s.config().getAnnotationsMap())
                .setRuntimeHandler(s.runtimeHandler());
        List<String> ips = s.ips();
        if (!ips.isEmpty()) {
            PodSandboxNetworkStatus.Builder net = PodSandboxNetworkStatus.newBuilder().setIp(ips.get(0));
            for (String ip : ips.subList(1, ips.size())) {
                net.addAdditionalIps(PodIP.newBuilder().setIp(ip));
            }
            b.setNetwork(net);
        }
        return b.build();
    }

    private String verbose(Sandbox s) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("pid", s.state() == SandboxState.READY ? pid(s) : 0L);
        info.put("netNamespaceClosed", !s.hostNetwork() && s.state() != SandboxState.READY);
        info.put("runtimeHandler", s.runtimeHandler());
        info.put("runtimeType", ContainerStatusRpc.RUNTIME_TYPE);
        info.put("config", GoJson.of(s.config()));
        if (!s.hostNetwork()) {
            network.resultInfo(s.id()).ifPresent(r -> info.put("cniResult", r));
        }
        info.put("sandboxID", s.id());
        info.put("hostNetwork", s.hostNetwork());
        info.put("ips", s.ips());
        info.put("dir", s.dir().toString());
        var r = s.podResources();
        if (!r.equals(io.jcri.cri.v1.LinuxContainerResources.getDefaultInstance())) {
            Map<String, Object> res = new LinkedHashMap<>();
            res.put("cpuShares", r.getCpuShares());
            res.put("cpuQuota", r.getCpuQuota());
            res.put("cpuPeriod", r.getCpuPeriod());
            res.put("memoryLimitInBytes", r.getMemoryLimitInBytes());
            info.put("podResources", res);
        }
        if (s.state() == SandboxState.READY) {
            try {
                PodNamespaces ns = runtime.podNamespaces(s.id());
                if (ns != null) {
                    Map<String, String> paths = new LinkedHashMap<>();
                    if (ns.net() != null) {
                        paths.put("network", ns.net().toString());
                    }
                    if (ns.ipc() != null) {
                        paths.put("ipc", ns.ipc().toString());
                    }
                    if (ns.uts() != null) {
                        paths.put("uts", ns.uts().toString());
                    }
                    if (ns.pid() != null) {
                        paths.put("pid", ns.pid().toString());
                    }
                    info.put("namespaces", paths);
                }
            } catch (RuntimeException ignored) {
                // the namespaces are gone: nothing to show
            }
        }
        try {
            return JSON.writeValueAsString(info);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * containerd gives its pause process. jcri has none: the pod init of a shared-PID pod, else the longest
     * running container of the pod (each shares the pod's network, IPC and UTS namespaces), else 0; then
     * {@code namespaces.network} names the pinned netns file (README, "What crictl inspect, inspectp and info show").
     */
    private long pid(Sandbox s) {
        long init = runtime.podInitPid(s.id());
        if (init > 0) {
            return init;
        }
        return containers.inSandbox(s.id()).stream()
                .map(c -> ContainerStatusRpc.stateOf(runtime, c))
                .flatMap(Optional::stream)
                .filter(st -> st.status() == io.jcri.runtime.ContainerStatus.RUNNING && st.pid() > 0)
                .min(Comparator.comparing(io.jcri.runtime.ContainerState::startedAt,
                        Comparator.nullsLast(Comparator.naturalOrder())))
                .map(io.jcri.runtime.ContainerState::pid)
                .orElse(0L);
    }
}
