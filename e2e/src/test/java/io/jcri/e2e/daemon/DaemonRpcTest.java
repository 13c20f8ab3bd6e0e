package io.jcri.e2e.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.jcri.cri.v1.CgroupDriver;
import io.jcri.cri.v1.ImageServiceGrpc;
import io.jcri.cri.v1.NetworkConfig;
import io.jcri.cri.v1.RuntimeCondition;
import io.jcri.cri.v1.RuntimeConfig;
import io.jcri.cri.v1.RuntimeConfigRequest;
import io.jcri.cri.v1.RuntimeServiceGrpc;
import io.jcri.cri.v1.StatusRequest;
import io.jcri.cri.v1.StatusResponse;
import io.jcri.cri.v1.UpdateRuntimeConfigRequest;
import io.jcri.cri.v1.VersionRequest;
import io.jcri.cri.v1.VersionResponse;
import io.jcri.e2e.harness.CriEndpoint;
import io.jcri.e2e.harness.JcriDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The foundation RPCs of a real daemon, over its real socket. */
class DaemonRpcTest {
    /** RPCs implemented so far; every other one must answer UNIMPLEMENTED naming itself. */
    static final Set<String> IMPLEMENTED = Set.of(
            "runtime.v1.RuntimeService/Version",
            "runtime.v1.RuntimeService/Status",
            "runtime.v1.RuntimeService/RuntimeConfig",
            "runtime.v1.RuntimeService/UpdateRuntimeConfig",
            "runtime.v1.ImageService/PullImage",
            "runtime.v1.ImageService/ListImages",
            "runtime.v1.ImageService/ImageStatus",
            "runtime.v1.ImageService/RemoveImage",
            "runtime.v1.ImageService/ImageFsInfo",
            "runtime.v1.RuntimeService/RunPodSandbox",
            "runtime.v1.RuntimeService/StopPodSandbox",
            "runtime.v1.RuntimeService/RemovePodSandbox",
            "runtime.v1.RuntimeService/PodSandboxStatus",
            "runtime.v1.RuntimeService/ListPodSandbox",
            "runtime.v1.RuntimeService/CreateContainer",
            "runtime.v1.RuntimeService/StartContainer",
            "runtime.v1.RuntimeService/StopContainer",
            "runtime.v1.RuntimeService/RemoveContainer",
            "runtime.v1.RuntimeService/ContainerStatus",
            "runtime.v1.RuntimeService/ListContainers",
            "runtime.v1.RuntimeService/UpdateContainerResources",
            "runtime.v1.RuntimeService/ReopenContainerLog",
            "runtime.v1.RuntimeService/Exec",
            "runtime.v1.RuntimeService/Attach",
            "runtime.v1.RuntimeService/PortForward",
            "runtime.v1.RuntimeService/ExecSync",
            "runtime.v1.RuntimeService/ContainerStats",
            "runtime.v1.RuntimeService/ListContainerStats",
            "runtime.v1.RuntimeService/PodSandboxStats",
            "runtime.v1.RuntimeService/ListPodSandboxStats",
            "runtime.v1.RuntimeService/ListMetricDescriptors",
            "runtime.v1.RuntimeService/ListPodSandboxMetrics",
            "runtime.v1.RuntimeService/UpdatePodSandboxResources",
            "runtime.v1.RuntimeService/GetContainerEvents");

    @TempDir
    static Path base;
    static JcriDaemon daemon;

    @BeforeAll
    static void start() throws java.io.IOException {
        // an empty CNI conf dir, whatever the machine has in /etc/cni/net.d: NetworkReady must then be false
        Path netd = Files.createDirectories(base.resolve("empty-net.d"));
        Path config = base.resolve("jcri.toml");
        Files.writeString(config, "[cni]\nconf_dir = \"" + netd + "\"\n");
        daemon = JcriDaemon.start(base.resolve("d"), "--config", config.toString());
    }

    @AfterAll
    static void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void versionIsWhatKubeletAndCrictlExpect() {
        VersionResponse v = daemon.endpoint().runtime().version(VersionRequest.newBuilder().setVersion("v1").build());
        assertThat(v.getVersion()).isEqualTo("0.1.0");
        assertThat(v.getRuntimeName()).isEqualTo("jcri");
        assertThat(v.getRuntimeApiVersion()).isEqualTo("v1");
        assertThat(v.getRuntimeVersion()).matches("\\d+\\.\\d+\\.\\d+.*");
    }

    @Test
    void statusReportsRuntimeReadyAndTheTruthAboutTheNetwork() {
        StatusResponse s = daemon.endpoint().runtime().status(StatusRequest.getDefaultInstance());
        Map<String, RuntimeCondition> conditions = s.getStatus().getConditionsList().stream()
                .collect(Collectors.toMap(RuntimeCondition::getType, c -> c));
        assertThat(conditions).containsOnlyKeys("RuntimeReady", "NetworkReady");
        assertThat(conditions.get("RuntimeReady").getStatus()).isTrue();
        RuntimeCondition network = conditions.get("NetworkReady");
        assertThat(network.getStatus()).isFalse();
        assertThat(network.getReason()).isEqualTo("NetworkPluginNotReady");
        assertThat(network.getMessage()).contains("no network config found in " + base.resolve("empty-net.d"));
        assertThat(s.getInfoMap()).isEmpty();
        // kubelet sends recursive_read_only mounts only to a runtime handler that claims the feature
        assertThat(s.getRuntimeHandlersList()).singleElement().satisfies(h -> {
            assertThat(h.getName()).isEmpty();
            assertThat(h.getFeatures().getRecursiveReadOnlyMounts()).isTrue();
            assertThat(h.getFeatures().getUserNamespaces()).isFalse();
        });
    }

    @Test
    void verboseStatusCarriesTheEffectiveConfigAsJson() throws Exception {
        StatusResponse s = daemon.endpoint().runtime().status(StatusRequest.newBuilder().setVerbose(true).build());
        JsonNode config = new ObjectMapper().readTree(s.getInfoOrThrow("config"));
        assertThat(config.get("root_dir").asText()).isEqualTo(base.resolve("d/root").toString());
        assertThat(config.get("state_dir").asText()).isEqualTo(base.resolve("d/state").toString());
        assertThat(config.get("socket").asText()).isEqualTo(daemon.socket().toString());
        assertThat(config.at("/cgroup/driver").asText()).isEqualTo("cgroupfs");
    }

    @Test
    void verboseStatusShowsTheKernelFeaturesProbedAtStartUp() throws Exception {
        StatusResponse s = daemon.endpoint().runtime().status(StatusRequest.newBuilder().setVerbose(true).build());
        JsonNode kernel = new ObjectMapper().readTree(s.getInfoOrThrow("kernelFeatures"));
        assertThat(kernel.get("release").asText())
                .isEqualTo(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/osrelease")).strip());
        for (String feature : List.of("pidfdThread", "pidfdNamespaceIoctls", "overlayLowerdirPlus", "procPidns",
                "pidfdInfoExit", "cgroupKill", "mountSetattr", "fsconfig", "openTree", "clone3IntoCgroup")) {
            assertThat(kernel.get(feature)).as(feature).isNotNull();
            assertThat(kernel.get(feature).isBoolean()).as(feature).isTrue();
        }
        // recursive read-only mounts are offered exactly where the kernel has mount_setattr
        assertThat(s.getRuntimeHandlers(0).getFeatures().getRecursiveReadOnlyMounts())
                .isEqualTo(kernel.get("mountSetattr").asBoolean());
    }

    @Test
    void verboseStatusSaysWhyNoCniNetworkLoaded() throws Exception {
        // containerd's keys: what operators read when NetworkReady is false
        StatusResponse s = daemon.endpoint().runtime().status(StatusRequest.newBuilder().setVerbose(true).build());
        assertThat(s.getInfoOrThrow("lastCNILoadStatus"))
                .contains("no network config found in " + base.resolve("empty-net.d"));
        JsonNode cni = new ObjectMapper().readTree(s.getInfoOrThrow("cniconfig"));
        assertThat(cni.get("PluginConfDir").asText()).isEqualTo(base.resolve("empty-net.d").toString());
        assertThat(cni.get("Networks")).singleElement()
                .satisfies(n -> assertThat(n.at("/Config/Name").asText()).isEqualTo("cni-loopback"));
    }

    @Test
    void connectionsLogNoWarnings() {
        // crictl connects once per command and kubelet's probes every few seconds: a normal connection is silent
        for (int i = 0; i < 5; i++) {
            try (CriEndpoint cri = CriEndpoint.connect(daemon.socket())) {
                cri.runtime().version(VersionRequest.getDefaultInstance());
            }
        }
        daemon.endpoint().runtime().version(VersionRequest.getDefaultInstance());
        assertThat(daemon.log()).doesNotContain("Unknown channel option").doesNotContain("SO_KEEPALIVE");
    }

    @Test
    void runtimeConfigNamesTheCgroupDriver() {
        var rc = daemon.endpoint().runtime().runtimeConfig(RuntimeConfigRequest.getDefaultInstance());
        assertThat(rc.getLinux().getCgroupDriver()).isEqualTo(CgroupDriver.CGROUPFS);
    }

    @Test
    void updateRuntimeConfigRecordsThePodCidr() throws Exception {
        daemon.endpoint().runtime().updateRuntimeConfig(UpdateRuntimeConfigRequest.newBuilder()
                .setRuntimeConfig(RuntimeConfig.newBuilder()
                        .setNetworkConfig(NetworkConfig.newBuilder().setPodCidr("10.244.7.0/24")))
                .build());
        StatusResponse s = daemon.endpoint().runtime().status(StatusRequest.newBuilder().setVerbose(true).build());
        JsonNode rc = new ObjectMapper().readTree(s.getInfoOrThrow("runtimeConfig"));
        assertThat(rc.get("podCIDR").asText()).isEqualTo("10.244.7.0/24");
        assertThat(Files.readString(base.resolve("d/state/runtime-settings.properties")))
                .contains("10.244.7.0/24");
    }

    @Test
    void everyRpcNotYetImplementedAnswersUnimplementedNamingIt() {
        List<String> checked = new ArrayList<>();
        for (ServiceDescriptor service : List.of(RuntimeServiceGrpc.getServiceDescriptor(),
                ImageServiceGrpc.getServiceDescriptor())) {
            for (MethodDescriptor<?, ?> method : service.getMethods()) {
                if (IMPLEMENTED.contains(method.getFullMethodName())) {
                    continue;
                }
                StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                        () -> call(method));
                assertThat(e).as(method.getFullMethodName()).isNotNull();
                assertThat(e.getStatus().getCode()).as(method.getFullMethodName())
                        .isEqualTo(Status.Code.UNIMPLEMENTED);
                assertThat(e.getStatus().getDescription()).contains(method.getFullMethodName());
                checked.add(method.getBareMethodName());
            }
        }
        assertThat(checked).contains("CheckpointContainer", "StreamImages", "StreamContainers");
    }

    @Test
    void theRpcsLeftOutOnPurposeSayWhy() {
        StatusRuntimeException checkpoint = catchThrowableOfType(StatusRuntimeException.class, () -> daemon.endpoint()
                .runtime().checkpointContainer(io.jcri.cri.v1.CheckpointContainerRequest.getDefaultInstance()));
        assertThat(checkpoint.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
        assertThat(checkpoint.getStatus().getDescription()).contains("CRIU");
        StatusRuntimeException stream = catchThrowableOfType(StatusRuntimeException.class, () -> daemon.endpoint()
                .runtime().streamContainers(io.jcri.cri.v1.StreamContainersRequest.getDefaultInstance()).hasNext());
        assertThat(stream.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
        assertThat(stream.getStatus().getDescription()).contains("runtime.v1.RuntimeService/ListContainers");
    }

    @SuppressWarnings("unchecked")
    private static <Q, R> void call(MethodDescriptor<Q, R> method) {
        Q request = (Q) ((MethodDescriptor.PrototypeMarshaller<Q>) method.getRequestMarshaller())
                .getMessagePrototype();
        var callOptions = io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS);
        if (method.getType() == MethodDescriptor.MethodType.UNARY) {
            ClientCalls.blockingUnaryCall(daemon.endpoint().channel(), method, callOptions, request);
        } else {
            Iterator<R> it = ClientCalls.blockingServerStreamingCall(daemon.endpoint().channel(), method,
                    callOptions, request);
            it.hasNext();
        }
    }

    @Test
    void socketIsRootAndGroupOnlyInATraversableDirectory() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(daemon.socket())))
                .isEqualTo("rw-rw----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(daemon.socket().getParent())))
                .isEqualTo("rwx--x--x");
        assertThat(Files.getAttribute(daemon.socket(), "unix:uid")).isEqualTo(0);
    }
}
