package io.jcri.e2e.bench;

import io.grpc.StatusRuntimeException;
import io.jcri.cri.v1.ContainerConfig;
import io.jcri.cri.v1.CreateContainerRequest;
import io.jcri.cri.v1.LinuxPodSandboxConfig;
import io.jcri.cri.v1.LinuxSandboxSecurityContext;
import io.jcri.cri.v1.NamespaceMode;
import io.jcri.cri.v1.NamespaceOption;
import io.jcri.cri.v1.PodSandboxConfig;
import io.jcri.cri.v1.PodSandboxMetadata;
import io.jcri.cri.v1.RemoveContainerRequest;
import io.jcri.cri.v1.RemovePodSandboxRequest;
import io.jcri.cri.v1.RunPodSandboxRequest;
import io.jcri.cri.v1.StartContainerRequest;
import io.jcri.cri.v1.StopContainerRequest;
import io.jcri.cri.v1.StopPodSandboxRequest;
import io.jcri.e2e.harness.KubeletRequests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Kubelet-shaped pod and container requests for one target, and the book of what it created so teardown can
 * remove whatever a failed scenario left.
 */
public final class Pods {
    public record Pod(String id, PodSandboxConfig config) {
    }

    private static final AtomicLong SEQ = new AtomicLong();

    private final BenchTarget target;
    private final String image;
    private final Set<String> live = ConcurrentHashMap.newKeySet();

    public Pods(BenchTarget target, String image) {
        this.target = target;
        this.image = image;
    }

    public BenchTarget target() {
        return target;
    }

    /** A pod config as kubelet sends it: uid label, log directory (created), per-pod cgroup parent. */
    public PodSandboxConfig config(String name) {
        return config(name, false);
    }

    /**
     * The same with {@code hostNetwork}: network namespace NODE, so the pod gets no network namespace of its own
     * (and, as from kubelet, no hostname).
     */
    public PodSandboxConfig config(String name, boolean hostNetwork) {
        String uid = name + "-" + SEQ.incrementAndGet();
        Path logDir = target.logRoot().resolve(uid);
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("bench").setUid(uid))
                // kubelet sends no hostname for a hostNetwork pod (it keeps the node's UTS namespace)
                .setHostname(hostNetwork ? "" : name)
                .setLogDirectory(logDir.toString())
                .putLabels("io.kubernetes.pod.uid", uid)
                .putLabels("io.kubernetes.pod.name", name)
                .putLabels("io.kubernetes.pod.namespace", "bench")
                .setLinux(LinuxPodSandboxConfig.newBuilder()
                        .setCgroupParent(target.cgroupParent() + "/pod" + uid.replaceAll("[^A-Za-z0-9]", ""))
                        .setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
                                .setNamespaceOptions(NamespaceOption.newBuilder().setPid(NamespaceMode.CONTAINER)
                                        .setNetwork(hostNetwork ? NamespaceMode.NODE : NamespaceMode.POD))))
                .build();
    }

    public Pod run(PodSandboxConfig config) {
        String id = target.cri().runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build())
                .getPodSandboxId();
        live.add(id);
        return new Pod(id, config);
    }

    public Pod run(String name) {
        return run(config(name));
    }

    public void stop(String podId) {
        target.cri().runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
    }

    public void remove(String podId) {
        target.cri().runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        live.remove(podId);
    }

    /** Stop then remove, as kubelet does. */
    public void destroy(String podId) {
        stop(podId);
        remove(podId);
    }

    public ContainerConfig container(Pod pod, String name, String... command) {
        try {
            Files.createDirectories(Path.of(pod.config().getLogDirectory(), name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return KubeletRequests.container(image, name, command)
                .putLabels("io.kubernetes.pod.uid", pod.config().getMetadata().getUid())
                .build();
    }

    public String create(Pod pod, ContainerConfig config) {
        return target.cri().runtime().createContainer(CreateContainerRequest.newBuilder()
                .setPodSandboxId(pod.id()).setSandboxConfig(pod.config()).setConfig(config).build()).getContainerId();
    }

    public void start(String ctr) {
        target.cri().runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(ctr).build());
    }

    public void stopContainer(String ctr, long timeout) {
        target.cri().runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(ctr).setTimeout(timeout)
                .build());
    }

    public void removeContainer(String ctr) {
        target.cri().runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(ctr).build());
    }

    /** A pod with one running {@code sleep} container: what the multi-pod scenarios start. */
    public Pod podWithSleeper(String name) {
        Pod pod = run(name);
        String ctr = create(pod, container(pod, "sleeper", "sleep", "3600"));
        start(ctr);
        return pod;
    }

    /** Stops and removes every pod this book still lists; returns the failures as text. */
    public List<String> destroyAll() {
        List<String> failures = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        Parallel.forEach(8, live.stream().toList(), id -> {
            try {
                destroy(id);
            } catch (StatusRuntimeException e) {
                failures.add(target.name() + ": teardown of pod " + id + ": " + e.getStatus());
            }
        });
        return failures;
    }

    public int liveCount() {
        return live.size();
    }
}
