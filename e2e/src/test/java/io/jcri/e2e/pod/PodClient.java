package io.jcri.e2e.pod;

import io.jcri.cri.v1.ContainerConfig;
import io.jcri.cri.v1.ContainerStatus;
import io.jcri.cri.v1.ContainerStatusRequest;
import io.jcri.cri.v1.CreateContainerRequest;
import io.jcri.cri.v1.ExecSyncRequest;
import io.jcri.cri.v1.ExecSyncResponse;
import io.jcri.cri.v1.PodSandboxConfig;
import io.jcri.cri.v1.PodSandboxStatus;
import io.jcri.cri.v1.PodSandboxStatusRequest;
import io.jcri.cri.v1.RemovePodSandboxRequest;
import io.jcri.cri.v1.RunPodSandboxRequest;
import io.jcri.cri.v1.RuntimeServiceGrpc.RuntimeServiceBlockingStub;
import io.jcri.cri.v1.StartContainerRequest;
import io.jcri.cri.v1.StopPodSandboxRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The kubelet-side calls the pod e2e tests share, against a {@link PodFixture}'s current daemon. */
final class PodClient {
    private static final Pattern PID = Pattern.compile("\"pid\"\\s*:\\s*(\\d+)");

    private final PodFixture fx;

    PodClient(PodFixture fx) {
        this.fx = fx;
    }

    RuntimeServiceBlockingStub rt() {
        return fx.daemon.endpoint().runtime();
    }

    String runPod(PodSandboxConfig config) {
        return rt().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
    }

    String create(String podId, PodSandboxConfig podConfig, ContainerConfig.Builder c) {
        return rt().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId)
                .setSandboxConfig(podConfig).setConfig(c).build()).getContainerId();
    }

    void start(String id) {
        rt().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
    }

    String run(String podId, PodSandboxConfig podConfig, ContainerConfig.Builder c) {
        String id = create(podId, podConfig, c);
        start(id);
        return id;
    }

    ContainerStatus status(String id) {
        return rt().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build()).getStatus();
    }

    /** The container's init process as the host sees it (verbose info.pid, as crictl inspect shows it). */
    long pid(String id) {
        String info = rt().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).setVerbose(true)
                .build()).getInfoOrThrow("info");
        Matcher m = PID.matcher(info);
        if (!m.find()) {
            throw new AssertionError("no pid in " + info);
        }
        return Long.parseLong(m.group(1));
    }

    PodSandboxStatus podStatus(String podId) {
        return rt().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId).build()).getStatus();
    }

    String podInfo(String podId) {
        return rt().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId).setVerbose(true)
                .build()).getInfoOrThrow("info");
    }

    ExecSyncResponse exec(String id, String... cmd) {
        return rt().execSync(ExecSyncRequest.newBuilder().setContainerId(id).addAllCmd(List.of(cmd)).setTimeout(30)
                .build());
    }

    void cleanup(String podId) {
        rt().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        rt().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
    }

    static String readLog(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
