package io.jcri.server.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.jcri.cri.v1.LinuxContainerResources;
import io.jcri.server.grpc.CriException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValidationTest {
    @Test
    void idsOutsideTheKernelsRangeAreRefused() {
        for (long bad : new long[] {-1, 1L << 32, (1L << 32) - 1, 1L << 40, (1L << 32) + 1000}) {
            assertThatThrownBy(() -> IdRanges.id("CreateContainer", "run_as_user", bad))
                    .isInstanceOf(CriException.class).hasMessageContaining("run_as_user");
        }
        assertThatCode(() -> IdRanges.id("x", "f", 0)).doesNotThrowAnyException();
        assertThatCode(() -> IdRanges.id("x", "f", IdRanges.MAX_ID)).doesNotThrowAnyException();
    }

    @Test
    void cpuBoundsAreTheKernels() {
        for (LinuxContainerResources r : List.of(LinuxContainerResources.newBuilder().setCpuQuota(1L << 62).build(),
                LinuxContainerResources.newBuilder().setCpuQuota(999).build(),
                LinuxContainerResources.newBuilder().setCpuPeriod(1).build(),
                LinuxContainerResources.newBuilder().setCpuPeriod(1L << 40).build(),
                LinuxContainerResources.newBuilder().setCpusetCpus("garbage").build(),
                LinuxContainerResources.newBuilder().setCpusetCpus("3-1").build(),
                LinuxContainerResources.newBuilder().setCpusetCpus("99999").build())) {
            assertThatThrownBy(() -> ResourceChecks.check("UpdateContainerResources", "linux", r))
                    .isInstanceOf(CriException.class);
        }
        assertThatCode(() -> ResourceChecks.check("x", "linux", LinuxContainerResources.newBuilder()
                .setCpuQuota(50_000).setCpuPeriod(100_000).setCpusetCpus("0").setCpusetMems("0").build()))
                .doesNotThrowAnyException();
        assertThat(ResourceChecks.parse("0-2,5").cardinality()).isEqualTo(4);
    }

    @Test
    void registryPortsAreChecked() {
        assertThatThrownBy(() -> ImageNames.check("PullImage", "image.image", "127.0.0.1:99999/a/b:1"))
                .hasMessageContaining("99999");
        assertThatThrownBy(() -> ImageNames.check("PullImage", "image.image", "localhost:0/a"))
                .isInstanceOf(CriException.class);
        assertThatCode(() -> ImageNames.check("PullImage", "image.image", "localhost:5000/a/b:1.0"))
                .doesNotThrowAnyException();
        assertThatCode(() -> ImageNames.check("PullImage", "image.image", "busybox:1.36"))
                .doesNotThrowAnyException();
        assertThatCode(() -> ImageNames.check("PullImage", "image.image", "library/busybox@sha256:" + "a".repeat(64)))
                .doesNotThrowAnyException();
    }

    @Test
    void timeoutsClamp() {
        assertThat(Timeouts.seconds("StopContainer", "timeout", 1L << 62)).isLessThanOrEqualTo(Duration.ofDays(3700));
        assertThat(Timeouts.seconds("StopContainer", "timeout", 30)).isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> Timeouts.seconds("ExecSync", "timeout", -1)).isInstanceOf(CriException.class);
    }

    @Test
    void cgroupParentAndLogDirectory() {
        for (String bad : new String[] {"/kubepods/../x", "..", "/a/./b", "/" + "y".repeat(300), "/a\nb"}) {
            assertThatThrownBy(() -> SandboxRequestLimits.cgroupParent(bad)).isInstanceOf(CriException.class);
        }
        assertThatCode(() -> SandboxRequestLimits.cgroupParent("/kubepods/burstable/pod1234"))
                .doesNotThrowAnyException();
        assertThatCode(() -> SandboxRequestLimits.cgroupParent("kubepods-burstable-pod1234.slice"))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> SandboxRequestLimits.logDirectory("logs/x")).isInstanceOf(CriException.class);
        assertThatThrownBy(() -> SandboxRequestLimits.logDirectory("/var/log/../../etc"))
                .isInstanceOf(CriException.class);
        assertThatCode(() -> SandboxRequestLimits.logDirectory("/var/log/pods/ns_name_uid"))
                .doesNotThrowAnyException();
    }

    @Test
    void commandLinesOverTheKernelsLimits() {
        assertThatThrownBy(() -> ProcessLimits.check("CreateContainer", "args", List.of("y".repeat(200_000)), "env",
                List.of())).hasMessageContaining("args[0]");
        List<String> env = java.util.Collections.nCopies(30, "V=" + "z".repeat(100_000));
        assertThatThrownBy(() -> ProcessLimits.check("CreateContainer", "args", List.of("sh"), "env", env))
                .hasMessageContaining("ARG_MAX");
        assertThatCode(() -> ProcessLimits.check("CreateContainer", "args", List.of("sh", "-c", "true"), "env",
                List.of("PATH=/bin"))).doesNotThrowAnyException();
    }
}
