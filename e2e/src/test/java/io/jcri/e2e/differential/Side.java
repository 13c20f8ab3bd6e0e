package io.jcri.e2e.differential;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.StatusRuntimeException;
import io.jcri.cri.v1.ContainerConfig;
import io.jcri.cri.v1.ContainerState;
import io.jcri.cri.v1.ContainerStatus;
import io.jcri.cri.v1.ContainerStatusRequest;
import io.jcri.cri.v1.CreateContainerRequest;
import io.jcri.cri.v1.ExecSyncRequest;
import io.jcri.cri.v1.ExecSyncResponse;
import io.jcri.cri.v1.PodSandboxConfig;
import io.jcri.cri.v1.PodSandboxStatusRequest;
import io.jcri.cri.v1.RemovePodSandboxRequest;
import io.jcri.cri.v1.RunPodSandboxRequest;
import io.jcri.cri.v1.RuntimeServiceGrpc.RuntimeServiceBlockingStub;
import io.jcri.cri.v1.StartContainerRequest;
import io.jcri.cri.v1.StatusRequest;
import io.jcri.cri.v1.StopContainerRequest;
import io.jcri.cri.v1.StopPodSandboxRequest;
import io.jcri.e2e.harness.CriEndpoint;
import io.jcri.e2e.harness.Deadline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One runtime of the pair, driven as kubelet drives it: the calls a case makes, each taking the same
 * runtime-neutral config templates on both sides. This side fills in only what must differ per runtime (the pod's
 * log directory and cgroup parent) and books every pod it runs so that teardown removes whatever a case left.
 */
final class Side {
    record Pod(String id, PodSandboxConfig config) {
    }

    record Ctr(String id, Pod pod) {
    }

    /** An ExecSync answer; equal on both runtimes when exit code and both streams are. */
    record Exec(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + ", stdout \"" + Outcome.cut(stdout) + "\"" + (stderr.isEmpty() ? ""
                    : ", stderr \"" + Outcome.cut(stderr) + "\"");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final CriEndpoint cri;
    private final Path logRoot;
    private final String cgroupParent;
    private final Set<String> livePods = ConcurrentHashMap.newKeySet();

    Side(String name, CriEndpoint cri, Path logRoot, String cgroupParent) {
        this.name = name;
        this.cri = cri;
        this.logRoot = logRoot;
        this.cgroupParent = cgroupParent;
    }

    String name() {
        return name;
    }

    RuntimeServiceBlockingStub rt() {
        return cri.runtime();
    }

    CriEndpoint cri() {
        return cri;
    }

    /** Runs the pod with this side's log directory and, unless the template sets one, cgroup parent. */
    Pod runPod(PodSandboxConfig.Builder template) {
        PodSandboxConfig.Builder b = template.clone();
        String uid = b.getMetadata().getUid();
        Path logDir = logRoot.resolve(uid);
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        b.setLogDirectory(logDir.toString());
        if (b.getLinux().getCgroupParent().isEmpty()) {
            b.getLinuxBuilder().setCgroupParent(cgroupParent + "/pod" + uid.replaceAll("[^A-Za-z0-9]", ""));
        }
        PodSandboxConfig config = b.build();
        String id = rt().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
        livePods.add(id);
        return new Pod(id, config);
    }

    /**
     * CreateContainer. As kubelet does, a container whose template sets no namespace options gets the pod's (the
     * runtimes read the container's: containerd's default for an unset pid mode is POD, the pause process's).
     */
    Ctr create(Pod pod, ContainerConfig.Builder template) {
        ContainerConfig.Builder b = template.clone();
        if (!b.getLinux().getSecurityContext().hasNamespaceOptions()) {
            b.getLinuxBuilder().getSecurityContextBuilder().setNamespaceOptions(pod.config().getLinux()
                    .getSecurityContext().getNamespaceOptions());
        }
        ContainerConfig config = b.build();
        try {
            Files.createDirectories(Path.of(pod.config().getLogDirectory()).resolve(config.getLogPath()).getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String id = rt().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(pod.id())
                .setSandboxConfig(pod.config()).setConfig(config).build()).getContainerId();
        return new Ctr(id, pod);
    }

    void start(Ctr c) {
        rt().startContainer(StartContainerRequest.newBuilder().setContainerId(c.id()).build());
    }

    /** CreateContainer + StartContainer. */
    Ctr run(Pod pod, ContainerConfig.Builder template) {
        Ctr c = create(pod, template);
        start(c);
        return c;
    }

    Exec exec(Ctr c, String... cmd) {
        ExecSyncResponse r = rt().execSync(ExecSyncRequest.newBuilder().setContainerId(c.id())
                .addAllCmd(List.of(cmd)).setTimeout(30).build());
        return new Exec(r.getExitCode(), r.getStdout().toString(StandardCharsets.UTF_8),
                r.getStderr().toString(StandardCharsets.UTF_8));
    }

    /** {@code sh -c script} through ExecSync: its stdout, failing the case on a non-zero exit. */
    String sh(Ctr c, String script) {
        Exec e = exec(c, "sh", "-c", script);
        if (e.exitCode() != 0) {
            throw new AssertionError(name + ": sh -c '" + script + "' in " + c.id() + ": " + e);
        }
        return e.stdout();
    }

    ContainerStatus status(Ctr c) {
        return rt().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(c.id()).build()).getStatus();
    }

    /** The verbose {@code info} object, as {@code crictl inspect} prints it. */
    JsonNode info(Ctr c) {
        return parse(rt().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(c.id()).setVerbose(true)
                .build()).getInfoMap().get("info"), "ContainerStatus info");
    }

    /** The verbose {@code info} object of PodSandboxStatus, as {@code crictl inspectp} prints it. */
    JsonNode podInfo(Pod p) {
        return parse(rt().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(p.id())
                .setVerbose(true).build()).getInfoMap().get("info"), "PodSandboxStatus info");
    }

    /** The verbose Status info map (key to raw JSON text), as {@code crictl info} prints it. */
    java.util.Map<String, String> statusInfo() {
        return rt().status(StatusRequest.newBuilder().setVerbose(true).build()).getInfoMap();
    }

    static JsonNode parse(String json, String what) {
        if (json == null) {
            throw new AssertionError(what + " has no \"info\" key");
        }
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError(what + " is not JSON: " + Outcome.cut(json), e);
        }
    }

    ContainerStatus awaitExited(Ctr c, Duration timeout) {
        ContainerStatus[] last = new ContainerStatus[1];
        Deadline.await(timeout, name + " container " + c.id() + " to exit", () -> {
            last[0] = status(c);
            return last[0].getState() == ContainerState.CONTAINER_EXITED;
        });
        return last[0];
    }

    void stop(Ctr c, long timeoutSeconds) {
        rt().stopContainer(StopContainerRequest.newBuilder().setContainerId(c.id()).setTimeout(timeoutSeconds)
                .build());
    }

    void destroy(Pod p) {
        rt().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(p.id()).build());
        rt().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(p.id()).build());
        livePods.remove(p.id());
    }

    /** Stops and removes every pod this side still books; returns the failures as text. */
    List<String> destroyAll() {
        List<String> failures = new ArrayList<>();
        for (String id : List.copyOf(livePods)) {
            try {
                rt().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build());
                rt().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build());
                livePods.remove(id);
            } catch (StatusRuntimeException e) {
                failures.add(name + ": removing pod " + id + ": " + e.getStatus());
            }
        }
        return failures;
    }
}
