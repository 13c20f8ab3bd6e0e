package io.jcri.e2e.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.jcri.cri.v1.ContainerState;
import io.jcri.cri.v1.ContainerStatus;
import io.jcri.cri.v1.DNSConfig;
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
import io.jcri.cri.v1.StartContainerRequest;
import io.jcri.cri.v1.StatusRequest;
import io.jcri.cri.v1.StopContainerRequest;
import io.jcri.cri.v1.StopPodSandboxRequest;
import io.jcri.e2e.harness.Deadline;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The kubelet flow and the bad inputs around it, against the real daemon, CNI and registry. */
class PodLifecycleE2eTest extends PodE2eBase {
    @Test
    void networkIsReadyWithTheConfiguredCniNetwork() {
        var conditions = c.rt().status(StatusRequest.getDefaultInstance()).getStatus().getConditionsList();
        assertThat(conditions).allMatch(cond -> cond.getStatus(), "all conditions true: " + conditions);
    }

    @Test
    void theKubeletFlow() throws Exception {
        PodSandboxConfig podConfig = fx.pod("flow")
                .setDnsConfig(DNSConfig.newBuilder().addServers("10.96.0.10").addSearches("e2e.svc.cluster.local")
                        .addOptions("ndots:5"))
                .build();
        String podId = c.runPod(podConfig);
        try {
            PodSandboxStatus ps = c.rt().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId)
                    .build()).getStatus();
            assertThat(ps.getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
            assertThat(ps.getNetwork().getIp()).startsWith(fx.subnetPrefix + ".");
            assertThat(ps.getLabelsMap()).isEqualTo(podConfig.getLabelsMap());
            assertThat(ps.getAnnotationsMap()).isEqualTo(podConfig.getAnnotationsMap());
            assertThat(ps.getCreatedAt()).isPositive();

            String ctr = c.create(podId, podConfig, fx.container("main", "sh", "-c",
                    "echo hello; echo oops >&2; exec sleep 3600"));
            assertThat(c.status(ctr).getState()).isEqualTo(ContainerState.CONTAINER_CREATED);
            c.rt().startContainer(StartContainerRequest.newBuilder().setContainerId(ctr).build());
            ContainerStatus running = c.status(ctr);
            assertThat(running.getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
            assertThat(running.getStartedAt()).isGreaterThanOrEqualTo(running.getCreatedAt());
            // the repo digest the image was pulled by, as containerd reports it (kubelet's imageID)
            assertThat(running.getImageRef()).isIn(fx.daemon.endpoint().images().imageStatus(
                    io.jcri.cri.v1.ImageStatusRequest.newBuilder().setImage(io.jcri.cri.v1.ImageSpec.newBuilder()
                            .setImage(fx.image)).build()).getImage().getRepoDigestsList());

            assertThat(c.exec(ctr, "busybox", "hostname").getStdout().toStringUtf8().trim()).isEqualTo("flow");
            String resolv = c.exec(ctr, "cat", "/etc/resolv.conf").getStdout().toStringUtf8();
            assertThat(resolv).contains("nameserver 10.96.0.10").contains("search e2e.svc.cluster.local")
                    .contains("options ndots:5");
            assertThat(c.exec(ctr, "busybox", "ip", "-4", "addr", "show", "eth0").getStdout().toStringUtf8())
                    .contains(ps.getNetwork().getIp());
            ExecSyncResponse failing = c.exec(ctr, "sh", "-c", "echo out; echo err >&2; exit 3");
            assertThat(failing.getExitCode()).isEqualTo(3);
            assertThat(failing.getStdout().toStringUtf8()).isEqualTo("out\n");
            assertThat(failing.getStderr().toStringUtf8()).isEqualTo("err\n");

            Path log = Path.of(podConfig.getLogDirectory(), "main/0.log");
            Deadline.await(Duration.ofSeconds(10), "both lines in " + log,
                    () -> PodClient.readLog(log).contains(" stderr F oops")
                            && PodClient.readLog(log).contains(" stdout F hello"));

            // sleep is PID 1 of its namespace and ignores SIGTERM: SIGKILL after the timeout
            long before = System.nanoTime();
            c.rt().stopContainer(StopContainerRequest.newBuilder().setContainerId(ctr).setTimeout(2).build());
            assertThat(Duration.ofNanos(System.nanoTime() - before)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
            ContainerStatus exited = c.status(ctr);
            assertThat(exited.getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
            assertThat(exited.getReason()).isEqualTo("Error");
            assertThat(exited.getExitCode()).isEqualTo(137);
            assertThat(exited.getFinishedAt()).isGreaterThanOrEqualTo(exited.getStartedAt());
            c.rt().stopContainer(StopContainerRequest.newBuilder().setContainerId(ctr).setTimeout(10).build());

            var metrics = io.jcri.e2e.harness.PrometheusScrape.fetch(fx.daemon.metricsPort());
            assertThat(metrics.value("jcri_container_starts_total")).isGreaterThanOrEqualTo(1.0);
            assertThat(metrics.text()).containsPattern("jcri_container_exits_total\\{reason=\"Error\",?\\} [1-9]");
            assertThat(metrics.value("jcri_container_launch_duration_seconds_count")).isGreaterThanOrEqualTo(1.0);
            assertThat(metrics.text()).containsPattern(
                    "jcri_cni_operation_duration_seconds_count\\{operation=\"ADD\",?\\} [1-9]");
            assertThat(metrics.text()).containsPattern("jcri_pod_sandboxes\\{state=\"ready\",?\\} [1-9]");

            c.rt().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
            assertThat(c.rt().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId).build())
                    .getStatus().getState()).isEqualTo(PodSandboxState.SANDBOX_NOTREADY);
            c.rt().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(ctr).build());
            c.rt().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(ctr).build());
            c.rt().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
            assertThat(c.rt().listPodSandbox(ListPodSandboxRequest.newBuilder().setFilter(PodSandboxFilter.newBuilder()
                    .setId(podId)).build()).getItemsCount()).isZero();
            assertThat(c.rt().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList())
                    .noneMatch(listed -> listed.getId().equals(ctr));
        } finally {
            c.cleanup(podId);
        }
    }

    @Test
    void aContainerThatExitsZeroIsCompleted() {
        PodSandboxConfig podConfig = fx.pod("done").build();
        String podId = c.runPod(podConfig);
        try {
            String ctr = c.create(podId, podConfig, fx.container("once", "true"));
            c.rt().startContainer(StartContainerRequest.newBuilder().setContainerId(ctr).build());
            Deadline.await(Duration.ofSeconds(20), "the container to exit",
                    () -> c.status(ctr).getState() == ContainerState.CONTAINER_EXITED);
            ContainerStatus s = c.status(ctr);
            assertThat(s.getExitCode()).isZero();
            assertThat(s.getReason()).isEqualTo("Completed");
        } finally {
            c.cleanup(podId);
        }
    }

    @Test
    void aProcessThatHandlesSigtermStopsGracefullyBeforeTheTimeout() {
        PodSandboxConfig podConfig = fx.pod("graceful").build();
        String podId = c.runPod(podConfig);
        try {
            String ctr = c.create(podId, podConfig, fx.container("g", "sh", "-c",
                    "trap 'exit 0' TERM; echo ready; while :; do sleep 0.1; done"));
            c.rt().startContainer(StartContainerRequest.newBuilder().setContainerId(ctr).build());
            Path log = Path.of(podConfig.getLogDirectory(), "g/0.log");
            Deadline.await(Duration.ofSeconds(10), "the trap to be set",
                    () -> PodClient.readLog(log).contains("F ready"));
            long before = System.nanoTime();
            c.rt().stopContainer(StopContainerRequest.newBuilder().setContainerId(ctr).setTimeout(30).build());
            assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(10));
            ContainerStatus s = c.status(ctr);
            assertThat(s.getExitCode()).isZero();
            assertThat(s.getReason()).isEqualTo("Completed");
        } finally {
            c.cleanup(podId);
        }
    }

    @Test
    void badInputGetsClearStatusesAndLeavesNothingBehind() {
        PodSandboxConfig podConfig = fx.pod("bad").build();
        String podId = c.runPod(podConfig);
        try {
            StatusRuntimeException dup = catchThrowableOfType(StatusRuntimeException.class, () -> c.runPod(podConfig));
            assertThat(dup.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
            assertThat(dup.getStatus().getDescription()).contains(podId);

            StatusRuntimeException noMeta = catchThrowableOfType(StatusRuntimeException.class,
                    () -> c.runPod(PodSandboxConfig.getDefaultInstance()));
            assertThat(noMeta.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(noMeta.getStatus().getDescription()).contains("metadata.name");

            StatusRuntimeException handler = catchThrowableOfType(StatusRuntimeException.class,
                    () -> c.rt().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(fx.pod("h"))
                            .setRuntimeHandler("kata").build()));
            assertThat(handler.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(handler.getStatus().getDescription()).contains("kata");

            StatusRuntimeException noSource = catchThrowableOfType(StatusRuntimeException.class,
                    () -> c.create(podId, podConfig, fx.container("m", "true").addMounts(Mount.newBuilder()
                            .setContainerPath("/data").setHostPath("/nonexistent/jcri-e2e"))));
            assertThat(noSource.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(noSource.getStatus().getDescription()).contains("/nonexistent/jcri-e2e");

            StatusRuntimeException rroWritable = catchThrowableOfType(StatusRuntimeException.class,
                    () -> c.create(podId, podConfig, fx.container("r", "true").addMounts(Mount.newBuilder()
                            .setContainerPath("/data").setHostPath("/tmp").setRecursiveReadOnly(true))));
            assertThat(rroWritable.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(rroWritable.getStatus().getDescription()).contains("recursive_read_only without readonly");

            StatusRuntimeException own = catchThrowableOfType(StatusRuntimeException.class,
                    () -> c.create(podId, podConfig, fx.container("o", "true").addMounts(Mount.newBuilder()
                            .setContainerPath("/steal").setHostPath(fx.daemon.base().resolve("state").toString()))));
            assertThat(own.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);

            StatusRuntimeException unknown = catchThrowableOfType(StatusRuntimeException.class,
                    () -> c.status("ffffffffffff"));
            assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);

            StatusRuntimeException noImage = catchThrowableOfType(StatusRuntimeException.class,
                    () -> c.create(podId, podConfig, fx.container("i", "true").setImage(
                            io.jcri.cri.v1.ImageSpec.newBuilder().setImage("never/pulled:1"))));
            assertThat(noImage.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);

            // the same name works again: nothing was half-created
            String ok = c.create(podId, podConfig, fx.container("m", "true"));
            StatusRuntimeException dupCtr = catchThrowableOfType(StatusRuntimeException.class,
                    () -> c.create(podId, podConfig, fx.container("m", "true")));
            assertThat(dupCtr.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
            assertThat(dupCtr.getStatus().getDescription()).contains(ok);

            c.rt().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
            StatusRuntimeException stopped = catchThrowableOfType(StatusRuntimeException.class,
                    () -> c.create(podId, podConfig, fx.container("late", "true")));
            assertThat(stopped.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        } finally {
            c.cleanup(podId);
        }
        // a pod with the same name can be created after the old one is removed
        String again = c.runPod(podConfig);
        c.cleanup(again);
    }
}
