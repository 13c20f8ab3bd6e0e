package io.jcri.cri.v1;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Checks the compiled api.proto against the upstream CRI v1 contract
 * (kubernetes/kubernetes staging/src/k8s.io/cri-api/pkg/apis/runtime/v1/api.proto,
 * Kubernetes 1.36, commit 0268656aec06fe837312d7ec3051e6b7f3dc6cde).
 */
class ApiContractTest {

    private static final FileDescriptor FILE = CriApi.getDescriptor();

    private static final List<String> RUNTIME_RPCS = List.of(
            "Version",
            "RunPodSandbox",
            "StopPodSandbox",
            "RemovePodSandbox",
            "PodSandboxStatus",
            "ListPodSandbox",
            "StreamPodSandboxes",
            "CreateContainer",
            "StartContainer",
            "StopContainer",
            "RemoveContainer",
            "ListContainers",
            "StreamContainers",
            "ContainerStatus",
            "UpdateContainerResources",
            "ReopenContainerLog",
            "ExecSync",
            "Exec",
            "Attach",
            "PortForward",
            "ContainerStats",
            "ListContainerStats",
            "StreamContainerStats",
            "PodSandboxStats",
            "ListPodSandboxStats",
            "StreamPodSandboxStats",
            "UpdateRuntimeConfig",
            "Status",
            "CheckpointContainer",
            "GetContainerEvents",
            "ListMetricDescriptors",
            "ListPodSandboxMetrics",
            "StreamPodSandboxMetrics",
            "RuntimeConfig",
            "UpdatePodSandboxResources");

    private static final List<String> IMAGE_RPCS = List.of(
            "ListImages",
            "StreamImages",
            "ImageStatus",
            "PullImage",
            "RemoveImage",
            "ImageFsInfo");

    private static List<String> rpcNames(ServiceDescriptor service) {
        return service.getMethods().stream().map(MethodDescriptor::getName).toList();
    }

    private static void assertField(Descriptor message, String name, int number, FieldDescriptor.Type type) {
        FieldDescriptor field = message.findFieldByName(name);
        assertThat(field).as("%s.%s exists", message.getName(), name).isNotNull();
        assertThat(field.getNumber()).as("%s.%s number", message.getName(), name).isEqualTo(number);
        assertThat(field.getType()).as("%s.%s type", message.getName(), name).isEqualTo(type);
    }

    private static Descriptor message(String name) {
        Descriptor d = FILE.findMessageTypeByName(name);
        assertThat(d).as("message %s", name).isNotNull();
        return d;
    }

    @Test
    void packageAndServiceNames() {
        assertThat(FILE.getPackage()).isEqualTo("runtime.v1");
        assertThat(FILE.getServices()).extracting(ServiceDescriptor::getFullName)
                .containsExactly("runtime.v1.RuntimeService", "runtime.v1.ImageService");
        assertThat(RuntimeServiceGrpc.SERVICE_NAME).isEqualTo("runtime.v1.RuntimeService");
        assertThat(ImageServiceGrpc.SERVICE_NAME).isEqualTo("runtime.v1.ImageService");
        assertThat(RuntimeServiceGrpc.getVersionMethod().getFullMethodName())
                .isEqualTo("runtime.v1.RuntimeService/Version");
    }

    @Test
    void runtimeServiceHasExactlyTheUpstreamRpcs() {
        ServiceDescriptor svc = FILE.findServiceByName("RuntimeService");
        assertThat(rpcNames(svc)).containsExactlyElementsOf(RUNTIME_RPCS);
        assertThat(svc.getMethods()).hasSize(35);
    }

    @Test
    void imageServiceHasExactlyTheUpstreamRpcs() {
        ServiceDescriptor svc = FILE.findServiceByName("ImageService");
        assertThat(rpcNames(svc)).containsExactlyElementsOf(IMAGE_RPCS);
    }

    @Test
    void streamingRpcsAreServerStreaming() {
        ServiceDescriptor rt = FILE.findServiceByName("RuntimeService");
        ServiceDescriptor img = FILE.findServiceByName("ImageService");
        List<String> streaming = List.of("StreamPodSandboxes", "StreamContainers", "StreamContainerStats",
                "StreamPodSandboxStats", "GetContainerEvents", "StreamPodSandboxMetrics");
        for (MethodDescriptor m : rt.getMethods()) {
            assertThat(m.isClientStreaming()).as(m.getName()).isFalse();
            assertThat(m.isServerStreaming()).as(m.getName()).isEqualTo(streaming.contains(m.getName()));
        }
        for (MethodDescriptor m : img.getMethods()) {
            assertThat(m.isClientStreaming()).as(m.getName()).isFalse();
            assertThat(m.isServerStreaming()).as(m.getName()).isEqualTo(m.getName().equals("StreamImages"));
        }
        MethodDescriptor events = rt.findMethodByName("GetContainerEvents");
        assertThat(events.getInputType().getName()).isEqualTo("GetEventsRequest");
        assertThat(events.getOutputType().getName()).isEqualTo("ContainerEventResponse");
    }

    @Test
    void containerConfigFields() {
        Descriptor d = message("ContainerConfig");
        assertField(d, "metadata", 1, FieldDescriptor.Type.MESSAGE);
        assertField(d, "image", 2, FieldDescriptor.Type.MESSAGE);
        assertField(d, "command", 3, FieldDescriptor.Type.STRING);
        assertField(d, "envs", 6, FieldDescriptor.Type.MESSAGE);
        assertField(d, "log_path", 11, FieldDescriptor.Type.STRING);
        assertField(d, "tty", 14, FieldDescriptor.Type.BOOL);
        assertField(d, "linux", 15, FieldDescriptor.Type.MESSAGE);
        assertField(d, "windows", 16, FieldDescriptor.Type.MESSAGE);
        assertField(d, "CDI_devices", 17, FieldDescriptor.Type.MESSAGE);
        assertField(d, "stop_signal", 18, FieldDescriptor.Type.ENUM);
        assertThat(d.getFields()).hasSize(18);
    }

    @Test
    void podSandboxConfigFields() {
        Descriptor d = message("PodSandboxConfig");
        assertField(d, "metadata", 1, FieldDescriptor.Type.MESSAGE);
        assertField(d, "hostname", 2, FieldDescriptor.Type.STRING);
        assertField(d, "log_directory", 3, FieldDescriptor.Type.STRING);
        assertField(d, "dns_config", 4, FieldDescriptor.Type.MESSAGE);
        assertField(d, "port_mappings", 5, FieldDescriptor.Type.MESSAGE);
        assertThat(d.findFieldByName("labels").isMapField()).isTrue();
        assertField(d, "annotations", 7, FieldDescriptor.Type.MESSAGE);
        assertField(d, "linux", 8, FieldDescriptor.Type.MESSAGE);
        assertField(d, "windows", 9, FieldDescriptor.Type.MESSAGE);
        assertThat(d.getFields()).hasSize(9);
    }

    @Test
    void containerStatusFields() {
        Descriptor d = message("ContainerStatus");
        assertField(d, "id", 1, FieldDescriptor.Type.STRING);
        assertField(d, "state", 3, FieldDescriptor.Type.ENUM);
        assertField(d, "exit_code", 7, FieldDescriptor.Type.INT32);
        assertField(d, "image_ref", 9, FieldDescriptor.Type.STRING);
        assertField(d, "reason", 10, FieldDescriptor.Type.STRING);
        assertField(d, "resources", 16, FieldDescriptor.Type.MESSAGE);
        assertField(d, "image_id", 17, FieldDescriptor.Type.STRING);
        assertField(d, "user", 18, FieldDescriptor.Type.MESSAGE);
        assertField(d, "stop_signal", 19, FieldDescriptor.Type.ENUM);
        assertThat(d.getFields()).hasSize(19);
    }

    @Test
    void securityContextAndNamespaceFields() {
        Descriptor sandbox = message("LinuxSandboxSecurityContext");
        assertField(sandbox, "run_as_group", 8, FieldDescriptor.Type.MESSAGE);
        assertField(sandbox, "supplemental_groups_policy", 11, FieldDescriptor.Type.ENUM);
        assertThat(sandbox.findFieldByName("seccomp_profile_path").getOptions().getDeprecated()).isTrue();

        Descriptor container = message("LinuxContainerSecurityContext");
        assertField(container, "run_as_group", 12, FieldDescriptor.Type.MESSAGE);
        assertField(container, "no_new_privs", 11, FieldDescriptor.Type.BOOL);
        assertField(container, "supplemental_groups_policy", 17, FieldDescriptor.Type.ENUM);

        Descriptor ns = message("NamespaceOption");
        assertField(ns, "userns_options", 5, FieldDescriptor.Type.MESSAGE);
        Descriptor mount = message("Mount");
        assertField(mount, "uidMappings", 6, FieldDescriptor.Type.MESSAGE);
        assertField(mount, "recursive_read_only", 8, FieldDescriptor.Type.BOOL);
        assertField(mount, "image_sub_path", 10, FieldDescriptor.Type.STRING);
    }

    @Test
    void otherSpotChecks() {
        Descriptor spec = message("ImageSpec");
        assertField(spec, "user_specified_image", 18, FieldDescriptor.Type.STRING);
        assertField(spec, "runtime_handler", 19, FieldDescriptor.Type.STRING);
        assertField(spec, "image_ref", 20, FieldDescriptor.Type.STRING);

        Descriptor fs = message("ImageFsInfoResponse");
        assertField(fs, "image_filesystems", 1, FieldDescriptor.Type.MESSAGE);
        assertField(fs, "container_filesystems", 2, FieldDescriptor.Type.MESSAGE);

        assertField(message("ExecRequest"), "audit_request_id", 7, FieldDescriptor.Type.STRING);
        assertField(message("AttachRequest"), "audit_request_id", 6, FieldDescriptor.Type.STRING);
        assertField(message("PsiData"), "Avg300", 4, FieldDescriptor.Type.DOUBLE);
        assertField(message("UpdatePodSandboxResourcesRequest"), "resources", 3, FieldDescriptor.Type.MESSAGE);
        assertThat(message("AuthConfig").findFieldByName("password").getOptions().getDebugRedact()).isTrue();

        assertThat(FILE.findEnumTypeByName("Signal").findValueByName("SIGRTMAX").getNumber()).isEqualTo(65);
        assertThat(FILE.findEnumTypeByName("CgroupDriver").findValueByName("CGROUPFS").getNumber()).isEqualTo(1);
        assertThat(FILE.getMessageTypes()).hasSize(170);
        assertThat(FILE.getEnumTypes()).hasSize(10);
    }
}
