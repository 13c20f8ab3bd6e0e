package io.jcri.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.jcri.cri.v1.ContainerConfig;
import io.jcri.cri.v1.CreateContainerRequest;
import io.jcri.cri.v1.LinuxContainerConfig;
import io.jcri.cri.v1.LinuxContainerSecurityContext;
import io.jcri.cri.v1.NamespaceOption;
import io.jcri.cri.v1.RunPodSandboxRequest;
import io.jcri.runtime.sys.NativeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StatusMappingTest {
    private static final String MIB = "x".repeat(1024 * 1024);

    @Test
    void internalAnswersNameNoJavaClass() {
        Status s = StatusMapping.toStatus(new NativeException("sethostname", 22));
        assertThat(s.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(s.getDescription()).doesNotContain("NativeException").contains("sethostname");
        Status wrapped = StatusMapping.toStatus(new RuntimeException(new UncheckedIOException(new IOException("disk"))));
        assertThat(wrapped.getDescription()).doesNotContain("Exception").contains("disk");
        Status arithmetic = StatusMapping.toStatus(new ArithmeticException("long overflow"));
        assertThat(arithmetic.getDescription()).doesNotContain("ArithmeticException");
        Status none = StatusMapping.toStatus(new NullPointerException());
        assertThat(none.getDescription()).doesNotContain("NullPointer").isNotEmpty();
    }

    @Test
    void everyDescriptionIsCut() {
        for (Throwable t : new Throwable[] {CriException.invalidArgument("bad name \"" + MIB + "\""),
                new IllegalArgumentException(MIB), new IllegalStateException(MIB),
                Status.INVALID_ARGUMENT.withDescription(MIB).asRuntimeException()}) {
            String d = StatusMapping.toStatus(t).getDescription();
            assertThat(d.getBytes(StandardCharsets.UTF_8).length).isLessThan(1024);
        }
        String multibyte = StatusMapping.toStatus(CriException.invalidArgument("ü".repeat(100_000))).getDescription();
        assertThat(multibyte.getBytes(StandardCharsets.UTF_8).length).isLessThan(1024);
    }

    @Test
    void quotedInputIsEscapedAndCut() {
        assertThat(Quoted.of("a\nb\0c")).isEqualTo("\"a\\nb\\x00c\"");
        assertThat(Quoted.of(MIB)).hasSizeLessThan(220).endsWith("(1048576 characters)");
        assertThat(Quoted.message("line\nbreak")).isEqualTo("line\\nbreak");
    }

    @Test
    void unknownEnumValuesAreRefusedNamingTheField() {
        CreateContainerRequest r = CreateContainerRequest.newBuilder().setConfig(ContainerConfig.newBuilder()
                .setStopSignalValue(99)).build();
        assertThatThrownBy(() -> RequestChecks.check("CreateContainer", r)).isInstanceOf(CriException.class)
                .hasMessageContaining("config.stop_signal").hasMessageContaining("99");
        CreateContainerRequest ns = CreateContainerRequest.newBuilder().setConfig(ContainerConfig.newBuilder()
                .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext
                        .newBuilder().setNamespaceOptions(NamespaceOption.newBuilder().setIpcValue(7))))).build();
        assertThatThrownBy(() -> RequestChecks.check("CreateContainer", ns))
                .hasMessageContaining("config.linux.security_context.namespace_options.ipc");
    }

    @Test
    void nulCharactersAreRefusedNamingTheField() {
        RunPodSandboxRequest r = RunPodSandboxRequest.newBuilder().setConfig(io.jcri.cri.v1.PodSandboxConfig
                .newBuilder().putLabels("app", "a\0b")).build();
        assertThatThrownBy(() -> RequestChecks.check("RunPodSandbox", r)).isInstanceOf(CriException.class)
                .hasMessageContaining("config.labels[\"app\"]").hasMessageContaining("NUL");
        CreateContainerRequest args = CreateContainerRequest.newBuilder().setConfig(ContainerConfig.newBuilder()
                .addArgs("ok").addArgs("b\0d")).build();
        assertThatThrownBy(() -> RequestChecks.check("CreateContainer", args)).hasMessageContaining("config.args[1]");
    }

    @Test
    void validRequestsPass() {
        RequestChecks.check("RunPodSandbox", RunPodSandboxRequest.newBuilder().setConfig(io.jcri.cri.v1
                .PodSandboxConfig.newBuilder().putLabels("app", "ünïcode")).build());
    }

    @Test
    void theCheapReadsWithoutEnumFieldsAreCheckedAsThoroughly() {
        // ContainerStatusRequest and ImageStatusRequest have no enum field: their encoding is scanned for a zero byte
        assertThatThrownBy(() -> RequestChecks.check("ContainerStatus", io.jcri.cri.v1.ContainerStatusRequest
                .newBuilder().setContainerId("abc\0").setVerbose(true).build()))
                .isInstanceOf(CriException.class).hasMessageContaining("container_id").hasMessageContaining("NUL");
        assertThatThrownBy(() -> RequestChecks.check("ImageStatus", io.jcri.cri.v1.ImageStatusRequest.newBuilder()
                .setImage(io.jcri.cri.v1.ImageSpec.newBuilder().setImage("busybox").putAnnotations("k\0", "v"))
                .build())).isInstanceOf(CriException.class).hasMessageContaining("image.annotations");
        RequestChecks.check("ContainerStatus", io.jcri.cri.v1.ContainerStatusRequest.newBuilder()
                .setContainerId("a".repeat(64)).setVerbose(true).build());
        // zero bytes that are no NUL (an empty map value's length) send the request to the walk, which passes it
        RequestChecks.check("ImageStatus", io.jcri.cri.v1.ImageStatusRequest.newBuilder()
                .setImage(io.jcri.cri.v1.ImageSpec.newBuilder().setImage("busybox").putAnnotations("k", "")).build());
        // a request too large to scan is walked
        assertThatThrownBy(() -> RequestChecks.check("ContainerStatus", io.jcri.cri.v1.ContainerStatusRequest
                .newBuilder().setContainerId("x".repeat(5000) + "\0").build())).hasMessageContaining("container_id");
    }
}
