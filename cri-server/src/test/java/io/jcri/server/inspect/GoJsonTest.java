package io.jcri.server.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcri.cri.v1.ContainerConfig;
import io.jcri.cri.v1.ContainerMetadata;
import io.jcri.cri.v1.ImageSpec;
import io.jcri.cri.v1.KeyValue;
import io.jcri.cri.v1.LinuxContainerConfig;
import io.jcri.cri.v1.LinuxContainerResources;
import io.jcri.cri.v1.LinuxContainerSecurityContext;
import io.jcri.cri.v1.Mount;
import io.jcri.cri.v1.MountPropagation;
import io.jcri.cri.v1.SecurityProfile;
import org.junit.jupiter.api.Test;

class GoJsonTest {
    @Test
    void aContainerConfigPrintsAsContainerdPrintsIt() throws Exception {
        ContainerConfig config = ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("c1"))
                .setImage(ImageSpec.newBuilder().setImage("127.0.0.1:33027/e2e/busybox:1.0"))
                .addCommand("sleep").addArgs("1000")
                .addEnvs(KeyValue.newBuilder().setKey("FOO").setValue("bar"))
                .addMounts(Mount.newBuilder().setContainerPath("/data").setHostPath("/tmp/hostdir"))
                .addMounts(Mount.newBuilder().setContainerPath("/ro").setHostPath("/tmp/ro").setReadonly(true)
                        .setPropagation(MountPropagation.PROPAGATION_HOST_TO_CONTAINER))
                .putLabels("l", "v")
                .setLogPath("c1.log")
                .setLinux(LinuxContainerConfig.newBuilder()
                        .setResources(LinuxContainerResources.newBuilder().setCpuShares(512)
                                .setMemoryLimitInBytes(134217728))
                        .setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                                .setSeccomp(SecurityProfile.newBuilder()
                                        .setProfileType(SecurityProfile.ProfileType.RuntimeDefault))))
                .build();
        // containerd 1.6.20's info.config for the same request (the /ro mount added here)
        assertThat(new ObjectMapper().writeValueAsString(GoJson.of(config))).isEqualTo("{\"metadata\":{\"name\":\"c1\"},"
                + "\"image\":{\"image\":\"127.0.0.1:33027/e2e/busybox:1.0\"},\"command\":[\"sleep\"],"
                + "\"args\":[\"1000\"],\"envs\":[{\"key\":\"FOO\",\"value\":\"bar\"}],"
                + "\"mounts\":[{\"container_path\":\"/data\",\"host_path\":\"/tmp/hostdir\"},"
                + "{\"container_path\":\"/ro\",\"host_path\":\"/tmp/ro\",\"readonly\":true,\"propagation\":1}],"
                + "\"labels\":{\"l\":\"v\"},\"log_path\":\"c1.log\","
                + "\"linux\":{\"resources\":{\"cpu_shares\":512,\"memory_limit_in_bytes\":134217728},"
                + "\"security_context\":{\"seccomp\":{}}}}");
    }
}
