package io.jcri.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcri.runtime.cgroup.Resources;
import io.jcri.runtime.security.Rlimit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OCI-shaped view of a container spec, as crictl inspect's runtimeSpec (JSON as containerd prints it). */
class OciSpecViewTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path layer;

    private final PodNamespaces pod = new PodNamespaces("pod1", Path.of("/run/jcri/ns/pod1/net"),
            Path.of("/run/jcri/ns/pod1/ipc"), Path.of("/run/jcri/ns/pod1/uts"), null);

    private ContainerSpec spec(SecuritySpec security) throws Exception {
        Files.createDirectories(layer.resolve("etc"));
        Files.writeString(layer.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n");
        Files.writeString(layer.resolve("etc/group"), "root:x:0:\napp:x:1000:\nstaff:x:50:app\n");
        ProcessSpec p = new ProcessSpec(List.of("sleep", "60"), List.of("PATH=/bin", "FOO=bar"), "/work", true,
                true, false, null, null);
        return new ContainerSpec("c1", "pod1", List.of(layer), p,
                List.of(new MountSpec("/data", Path.of("/srv/data"), true, MountSpec.Propagation.HOST_TO_CONTAINER),
                        MountSpec.bind("/cache", Path.of("/srv/cache"), false)),
                NamespaceSpec.podDefault(), security,
                Resources.builder().memoryLimit(64 << 20).memorySwapLimit(64 << 20).cpuShares(512).pidsLimit(100)
                        .build(),
                null, "ignored-in-a-pod", Path.of("/state/hosts"), Path.of("/state/resolv.conf"), null, List.of());
    }

    private JsonNode render(ContainerSpec spec) {
        return JSON.valueToTree(OciSpecView.render(spec, new OciSpecView.Facts(Path.of("/root/containers/c1/rootfs"),
                pod, 0, "/kubepods/c1", true, true, false)));
    }

    @Test
    void processUserMountsNamespacesAndResourcesInTheOciShape() throws Exception {
        SecuritySpec security = SecuritySpec.defaults().withUser(null, null, List.of())
                .withRlimits(List.of(Rlimit.of("nofile", 1024, Rlimit.INFINITY)));
        security = new SecuritySpec(false, List.of("CAP_SYS_TIME"), List.of("CAP_KILL"), true, security.seccomp(),
                null, "app", null, List.of(), true, null, null, 0, security.rlimits());
        JsonNode oci = render(spec(security));
        assertThat(oci.get("ociVersion").asText()).isEqualTo("1.0.2");
        JsonNode process = oci.get("process");
        assertThat(process.get("terminal").asBoolean()).isTrue();
        assertThat(process.at("/user/uid").asLong()).isEqualTo(1000);
        assertThat(process.at("/user/gid").asLong()).isEqualTo(1000);
        assertThat(process.at("/user/additionalGids").toString()).contains("50");
        assertThat(process.get("args").toString()).isEqualTo("[\"sleep\",\"60\"]");
        assertThat(process.get("cwd").asText()).isEqualTo("/work");
        assertThat(process.at("/capabilities/effective").toString()).contains("CAP_SYS_TIME").doesNotContain("CAP_KILL");
        assertThat(process.at("/capabilities").has("ambient")).as("empty sets are left out").isFalse();
        assertThat(process.at("/rlimits/0/type").asText()).isEqualTo("RLIMIT_NOFILE");
        assertThat(process.at("/rlimits/0/soft").asLong()).isEqualTo(1024);
        assertThat(process.at("/rlimits/0/hard").toString()).isEqualTo("18446744073709551615");
        assertThat(process.get("noNewPrivileges").asBoolean()).isTrue();
        assertThat(process.get("oomScoreAdj").asInt()).isZero();
        assertThat(oci.at("/root/path").asText()).isEqualTo("/root/containers/c1/rootfs");
        assertThat(oci.at("/root/readonly").asBoolean()).isTrue();
        assertThat(oci.has("hostname")).as("a pod's container joins the pod's UTS namespace").isFalse();

        JsonNode mounts = oci.get("mounts");
        assertThat(mounts.get(0).toString())
                .isEqualTo("{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\","
                        + "\"options\":[\"nosuid\",\"noexec\",\"nodev\"]}");
        JsonNode data = mounts.get(mounts.size() - 2);
        assertThat(data.toString()).isEqualTo("{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/srv/data\","
                + "\"options\":[\"rbind\",\"rslave\",\"ro\"]}");
        assertThat(mounts.get(mounts.size() - 1).get("options").toString()).isEqualTo("[\"rbind\",\"rprivate\",\"rw\"]");
        assertThat(mounts.toString()).contains("\"/etc/hosts\"", "\"/etc/resolv.conf\"", "\"/sys/fs/cgroup\"")
                .doesNotContain("\"/etc/hostname\"");

        JsonNode linux = oci.get("linux");
        assertThat(linux.get("cgroupsPath").asText()).isEqualTo("/kubepods/c1");
        assertThat(linux.get("namespaces").toString()).isEqualTo("[{\"type\":\"pid\"},"
                + "{\"type\":\"ipc\",\"path\":\"/run/jcri/ns/pod1/ipc\"},"
                + "{\"type\":\"uts\",\"path\":\"/run/jcri/ns/pod1/uts\"},{\"type\":\"mount\"},"
                + "{\"type\":\"network\",\"path\":\"/run/jcri/ns/pod1/net\"},{\"type\":\"cgroup\"}]");
        assertThat(linux.at("/resources/memory").toString()).isEqualTo("{\"limit\":67108864,\"swap\":67108864}");
        assertThat(linux.at("/resources/cpu/shares").asLong()).isEqualTo(512);
        assertThat(linux.at("/resources/pids/limit").asLong()).isEqualTo(100);
        assertThat(linux.at("/resources/devices/0").toString()).isEqualTo("{\"allow\":false,\"access\":\"rwm\"}");
        assertThat(linux.at("/resources/devices/3").toString())
                .isEqualTo("{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rwm\"}");
        assertThat(linux.get("maskedPaths").toString()).contains("/proc/kcore");
        assertThat(linux.get("readonlyPaths").toString()).contains("/proc/sys");
        assertThat(linux.has("seccomp")).as("Unconfined installs no filter").isFalse();
    }

    @Test
    void runtimeDefaultSeccompIsShownWithLibseccompNames() throws Exception {
        SecuritySpec s = SecuritySpec.defaults().withSeccomp(SecuritySpec.Seccomp.RUNTIME_DEFAULT, false);
        JsonNode seccomp = render(spec(s)).at("/linux/seccomp");
        assertThat(seccomp.get("defaultAction").asText()).isEqualTo("SCMP_ACT_ERRNO");
        assertThat(seccomp.has("defaultErrnoRet")).as("EPERM is the default").isFalse();
        assertThat(seccomp.get("architectures").toString()).contains("SCMP_ARCH_X86_64");
        JsonNode clone3 = null;
        JsonNode withArgs = null;
        for (JsonNode rule : seccomp.get("syscalls")) {
            if (rule.get("names").toString().equals("[\"clone3\"]") && rule.get("action").asText().equals("SCMP_ACT_ERRNO")) {
                clone3 = rule;
            }
            if (rule.has("args") && withArgs == null) {
                withArgs = rule;
            }
        }
        // containerd 1.6 shows {"names":["clone3"],"action":"SCMP_ACT_ERRNO","errnoRet":38}
        assertThat(clone3).isNotNull();
        assertThat(clone3.get("errnoRet").asInt()).isEqualTo(38);
        assertThat(withArgs).isNotNull();
        assertThat(withArgs.at("/args/0/op").asText()).startsWith("SCMP_CMP_");
        assertThat(withArgs.at("/args/0/index").isInt()).isTrue();
    }

    @Test
    void privilegedGetsEveryDeviceNoFilterAndNoMaskedPaths() throws Exception {
        SecuritySpec s = SecuritySpec.defaults().withCaps(true, List.of(), List.of())
                .withSeccomp(SecuritySpec.Seccomp.RUNTIME_DEFAULT, false);
        JsonNode linux = render(spec(s)).get("linux");
        assertThat(linux.has("seccomp")).isFalse();
        assertThat(linux.has("maskedPaths")).isFalse();
        assertThat(linux.has("readonlyPaths")).isFalse();
        assertThat(linux.at("/resources/devices/1").toString()).isEqualTo("{\"allow\":true,\"type\":\"a\",\"access\":\"rwm\"}");
    }

    @Test
    void ownNamespacesHaveNoPathAndTheNodesAreNotListed() throws Exception {
        ContainerSpec spec = spec(SecuritySpec.defaults()).inPod("pod1",
                new NamespaceSpec(NamespaceMode.NODE, NamespaceMode.NODE, NamespaceMode.CONTAINER, null));
        JsonNode oci = JSON.valueToTree(OciSpecView.render(spec, new OciSpecView.Facts(Path.of("/r"),
                new PodNamespaces("pod1", null, null, null, null), 0, "/p/c1", false, false, false)));
        assertThat(oci.at("/linux/namespaces").toString()).isEqualTo("[{\"type\":\"ipc\"},{\"type\":\"mount\"}]");
        assertThat(oci.get("mounts").toString()).doesNotContain("/sys/fs/cgroup");
        ContainerSpec alone = ContainerSpec.of("c2", List.of(layer), ProcessSpec.of("true"));
        JsonNode standalone = JSON.valueToTree(OciSpecView.render(alone, new OciSpecView.Facts(Path.of("/r"), null, 0,
                "/p/c2", true, true, true)));
        assertThat(standalone.get("hostname").asText()).isEqualTo("c2");
        assertThat(standalone.at("/linux/namespaces").toString()).isEqualTo("[{\"type\":\"pid\"},{\"type\":\"ipc\"},"
                + "{\"type\":\"uts\"},{\"type\":\"mount\"},{\"type\":\"network\"},{\"type\":\"cgroup\"}]");
        assertThat(standalone.get("mounts").toString()).contains("\"type\":\"cgroup2\"");
    }
}
