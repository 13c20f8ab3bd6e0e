package io.jcri.e2e.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.jcri.cri.v1.ContainerState;
import io.jcri.cri.v1.ContainerStatus;
import io.jcri.cri.v1.ContainerStatusRequest;
import io.jcri.cri.v1.CreateContainerRequest;
import io.jcri.cri.v1.DNSConfig;
import io.jcri.cri.v1.ExecSyncRequest;
import io.jcri.cri.v1.ExecSyncResponse;
import io.jcri.cri.v1.ListContainersRequest;
import io.jcri.cri.v1.ListPodSandboxRequest;
import io.jcri.cri.v1.Mount;
import io.jcri.cri.v1.PodSandboxConfig;
import io.jcri.cri.v1.PodSandboxFilter;
import io.jcri.cri.v1.PodSandboxState;
import io.jcri.cri.v1.PodSandboxStatus;
import io.jcri.cri.v1.PodSandboxStatusRequest;
import io.jcri.cri.v1.RemoveContainerRequest;
import io.jcri.cri.v1.RemovePodSandboxRequest;
import io.jcri.cri.v1.RunPodSandboxRequest;
import io.jcri.cri.v1.RuntimeServiceGrpc.RuntimeServiceBlockingStub;
import io.jcri.cri.v1.StartContainerRequest;
import io.jcri.cri.v1.StatusRequest;
import io.jcri.cri.v1.StopContainerRequest;
import io.jcri.cri.v1.StopPodSandboxRequest;
import io.jcri.e2e.harness.Deadline;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kubelet flow and the bad inputs around it, against the real daemon, CNI and registry. */
class PodLifecycleE2eTest {
    @TempDir
    static Path base;
    static PodFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = new PodFixture(base);
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    static RuntimeServiceBlockingStub rt() {
        return fx.daemon.endpoint().runtime();
    }

    static String runPod(PodSandboxConfig config) {
        return rt().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
    }

    static String create(String podId, PodSandboxConfig podConfig, io.jcri.cri.v1.ContainerConfig.Builder c) {
        return rt().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId)
                .setSandboxConfig(podConfig).setConfig(c).build()).getContainerId();
    }

    static ContainerStatus status(String id) {
        return rt().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build()).getStatus();
    }

    static ExecSyncResponse exec(String id, String... cmd) {
        return rt().execSync(ExecSyncRequest.newBuilder().setContainerId(id).addAllCmd(List.of(cmd)).setTimeout(30)
                .build());
    }

    static void cleanup(String podId) {
        rt().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        rt().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
    }

    @Test
    void networkIsReadyWithTheConfiguredCniNetwork() {
        var conditions = rt().status(StatusRequest.getDefaultInstance()).getStatus().getConditionsList();
        assertThat(conditions).allMatch(c -> c.getStatus(), "all conditions true: " + conditions);
    }

    @Test
    void theKubeletFlow() throws Exception {
        PodSandboxConfig podConfig = fx.pod("flow")
                .setDnsConfig(DNSConfig.newBuilder().addServers("10.96.0.10").addSearches("e2e.svc.cluster.local")
                        .addOptions("ndots:5"))
                .build();
        String podId = runPod(podConfig);
        try {
            PodSandboxStatus ps = rt().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId)
                    .build()).getStatus();
            assertThat(ps.getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
            assertThat(ps.getNetwork().getIp()).startsWith(fx.subnetPrefix + ".");
            assertThat(ps.getLabelsMap()).isEqualTo(podConfig.getLabelsMap());
            assertThat(ps.getAnnotationsMap()).isEqualTo(podConfig.getAnnotationsMap());
            assertThat(ps.getCreatedAt()).isPositive();

            String ctr = create(podId, podConfig, fx.container("main", "sh", "-c",
                    "echo hello; echo oops >&2; exec sleep 3600"));
            assertThat(status(ctr).getState()).isEqualTo(ContainerState.CONTAINER_CREATED);
            rt().startContainer(StartContainerRequest.newBuilder().setContainerId(ctr).build());
            ContainerStatus running = status(ctr);
            assertThat(running.getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
            assertThat(running.getStartedAt()).isGreaterThanOrEqualTo(running.getCreatedAt());
            assertThat(running.getImageRef()).isEqualTo(fx.daemon.endpoint().images().imageStatus(
                    io.jcri.cri.v1.ImageStatusRequest.newBuilder().setImage(io.jcri.cri.v1.ImageSpec.newBuilder()
                            .setImage(fx.image)).build()).getImage().getId());

            assertThat(exec(ctr, "busybox", "hostname").getStdout().toStringUtf8().trim()).isEqualTo("flow");
            String resolv = exec(ctr, "cat", "/etc/resolv.conf").getStdout().toStringUtf8();
            assertThat(resolv).contains("nameserver 10.96.0.10").contains("search e2e.svc.cluster.local")
                    .contains("options ndots:5");
            assertThat(exec(ctr, "busybox", "ip", "-4", "addr", "show", "eth0").getStdout().toStringUtf8())
                    .contains(ps.getNetwork().getIp());
            ExecSyncResponse failing = exec(ctr, "sh", "-c", "echo out; echo err >&2; exit 3");
            assertThat(failing.getExitCode()).isEqualTo(3);
            assertThat(failing.getStdout().toStringUtf8()).isEqualTo("out\n");
            assertThat(failing.getStderr().toStringUtf8()).isEqualTo("err\n");

            Path log = Path.of(podConfig.getLogDirectory(), "main/0.log");
            Deadline.await(Duration.ofSeconds(10), "both lines in " + log, () -> readLog(log).contains(" stderr F oops")
                    && readLog(log).contains(" stdout F hello"));

            // sleep is PID 1 of its namespace and ignores SIGTERM: SIGKILL after the timeout
            long before = System.nanoTime();
            rt().stopContainer(StopContainerRequest.newBuilder().setContainerId(ctr).setTimeout(2).build());
            assertThat(Duration.ofNanos(System.nanoTime() - before)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
            ContainerStatus exited = status(ctr);
            assertThat(exited.getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
            assertThat(exited.getReason()).isEqualTo("Error");
            assertThat(exited.getExitCode()).isEqualTo(137);
            assertThat(exited.getFinishedAt()).isGreaterThanOrEqualTo(exited.getStartedAt());
            rt().stopContainer(StopContainerRequest.newBuilder().setContainerId(ctr).setTimeout(10).build());

            var metrics = io.jcri.e2e.harness.PrometheusScrape.fetch(fx.daemon.metricsPort());
            assertThat(metrics.value("jcri_container_starts_total")).isGreaterThanOrEqualTo(1.0);
            assertThat(metrics.text()).containsPattern("jcri_container_exits_total\\{reason=\"Error\",?\\} [1-9]");
            assertThat(metrics.value("jcri_container_launch_duration_seconds_count")).isGreaterThanOrEqualTo(1.0);
            assertThat(metrics.text()).containsPattern(
                    "jcri_cni_operation_duration_seconds_count\\{operation=\"ADD\",?\\} [1-9]");
            assertThat(metrics.text()).containsPattern("jcri_pod_sandboxes\\{state=\"ready\",?\\} [1-9]");

            rt().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
            assertThat(rt().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId).build())
                    .getStatus().getState()).isEqualTo(PodSandboxState.SANDBOX_NOTREADY);
            rt().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(ctr).build());
            rt().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(ctr).build());
            rt().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
            assertThat(rt().listPodSandbox(ListPodSandboxRequest.newBuilder().setFilter(PodSandboxFilter.newBuilder()
                    .setId(podId)).build()).getItemsCount()).isZero();
            assertThat(rt().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList())
                    .noneMatch(c -> c.getId().equals(ctr));
        } finally {
            cleanup(podId);
        }
    }

    @Test
    void aContainerThatExitsZeroIsCompleted() {
        PodSandboxConfig podConfig = fx.pod("done").build();
        String podId = runPod(podConfig);
        try {
            String ctr = create(podId, podConfig, fx.container("once", "true"));
            rt().startContainer(StartContainerRequest.newBuilder().setContainerId(ctr).build());
            Deadline.await(Duration.ofSeconds(20), "the container to exit",
                    () -> status(ctr).getState() == ContainerState.CONTAINER_EXITED);
            ContainerStatus s = status(ctr);
            assertThat(s.getExitCode()).isZero();
            assertThat(s.getReason()).isEqualTo("Completed");
        } finally {
            cleanup(podId);
        }
    }

    @Test
    void aProcessThatHandlesSigtermStopsGracefullyBeforeTheTimeout() {
        PodSandboxConfig podConfig = fx.pod("graceful").build();
        String podId = runPod(podConfig);
        try {
            String ctr = create(podId, podConfig, fx.container("g", "sh", "-c",
                    "trap 'exit 0' TERM; echo ready; while :; do sleep 0.1; done"));
            rt().startContainer(StartContainerRequest.newBuilder().setContainerId(ctr).build());
            Path log = Path.of(podConfig.getLogDirectory(), "g/0.log");
            Deadline.await(Duration.ofSeconds(10), "the trap to be set", () -> readLog(log).contains("F ready"));
            long before = System.nanoTime();
            rt().stopContainer(StopContainerRequest.newBuilder().setContainerId(ctr).setTimeout(30).build());
            assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(10));
            ContainerStatus s = status(ctr);
            assertThat(s.getExitCode()).isZero();
            assertThat(s.getReason()).isEqualTo("Completed");
        } finally {
            cleanup(podId);
        }
    }

    @Test
    void badInputGetsClearStatusesAndLeavesNothingBehind() {
        PodSandboxConfig podConfig = fx.pod("bad").build();
        String podId = runPod(podConfig);
        try {
            StatusRuntimeException dup = catchThrowableOfType(StatusRuntimeException.class, () -> runPod(podConfig));
            assertThat(dup.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
            assertThat(dup.getStatus().getDescription()).contains(podId);

            StatusRuntimeException noMeta = catchThrowableOfType(StatusRuntimeException.class,
                    () -> runPod(PodSandboxConfig.getDefaultInstance()));
            assertThat(noMeta.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(noMeta.getStatus().getDescription()).contains("metadata.name");

            StatusRuntimeException handler = catchThrowableOfType(StatusRuntimeException.class,
                    () -> rt().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(fx.pod("h"))
                            .setRuntimeHandler("kata").build()));
            assertThat(handler.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(handler.getStatus().getDescription()).contains("kata");

            StatusRuntimeException noSource = catchThrowableOfType(StatusRuntimeException.class,
                    () -> create(podId, podConfig, fx.container("m", "true").addMounts(Mount.newBuilder()
                            .setContainerPath("/data").setHostPath("/nonexistent/jcri-e2e"))));
            assertThat(noSource.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(noSource.getStatus().getDescription()).contains("/nonexistent/jcri-e2e");

            StatusRuntimeException own = catchThrowableOfType(StatusRuntimeException.class,
                    () -> create(podId, podConfig, fx.container("o", "true").addMounts(Mount.newBuilder()
                            .setContainerPath("/steal").setHostPath(fx.daemon.base().resolve("state").toString()))));
            assertThat(own.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);

            StatusRuntimeException unknown = catchThrowableOfType(StatusRuntimeException.class,
                    () -> status("ffffffffffff"));
            assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);

            StatusRuntimeException noImage = catchThrowableOfType(StatusRuntimeException.class,
                    () -> create(podId, podConfig, fx.container("i", "true").setImage(
                            io.jcri.cri.v1.ImageSpec.newBuilder().setImage("never/pulled:1"))));
            assertThat(noImage.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);

            // the same name works again: nothing was half-created
            String ok = create(podId, podConfig, fx.container("m", "true"));
            StatusRuntimeException dupCtr = catchThrowableOfType(StatusRuntimeException.class,
                    () -> create(podId, podConfig, fx.container("m", "true")));
            assertThat(dupCtr.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
            assertThat(dupCtr.getStatus().getDescription()).contains(ok);

            rt().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
            StatusRuntimeException stopped = catchThrowableOfType(StatusRuntimeException.class,
                    () -> create(podId, podConfig, fx.container("late", "true")));
            assertThat(stopped.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        } finally {
            cleanup(podId);
        }
        // a pod with the same name can be created after the old one is removed
        String again = runPod(podConfig);
        cleanup(again);
    }

    private static String readLog(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
