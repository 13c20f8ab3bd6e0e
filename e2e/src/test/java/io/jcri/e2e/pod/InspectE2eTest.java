package io.jcri.e2e.pod;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcri.cri.v1.ContainerStatus;
import io.jcri.cri.v1.ContainerStatusRequest;
import io.jcri.cri.v1.ImageSpec;
import io.jcri.cri.v1.ImageStatusRequest;
import io.jcri.cri.v1.KeyValue;
import io.jcri.cri.v1.LinuxContainerConfig;
import io.jcri.cri.v1.LinuxContainerResources;
import io.jcri.cri.v1.ListContainersRequest;
import io.jcri.cri.v1.Mount;
import io.jcri.cri.v1.PodSandboxConfig;
import io.jcri.cri.v1.StatusRequest;
import io.jcri.cri.v1.UpdateContainerResourcesRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What {@code crictl inspect}, {@code inspectp} and {@code info} show and what operators' scripts read there,
 * with the keys and shapes containerd 1.6 gives them (its real answers are quoted in the server classes), each
 * checked against the kernel or the registry rather than against jcri's own bookkeeping.
 */
class InspectE2eTest extends PodE2eBase {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void inspectGivesAnNsenterablePidAndTheRuntimeSpecThatWasApplied() throws Exception {
        Path hostDir = Files.createDirectories(base.resolve("inspect-data"));
        PodSandboxConfig pod = fx.pod("inspect").build();
        String podId = c.runPod(pod);
        try {
            String id = c.run(podId, pod, fx.container("app", "sleep", "3600")
                    .addEnvs(KeyValue.newBuilder().setKey("FOO").setValue("bar"))
                    .addMounts(Mount.newBuilder().setContainerPath("/data").setHostPath(hostDir.toString())
                            .setReadonly(true)));
            JsonNode info = containerInfo(id);
            long pid = info.get("pid").asLong();
            assertThat(pid).isPositive();
            assertThat(info.get("sandboxID").asText()).isEqualTo(podId);
            // the host pid of the container's init: its command line, and its network namespace is the pod's
            assertThat(Files.readString(Path.of("/proc/" + pid + "/cmdline"))).isEqualTo("sleep\0" + "3600\0");
            Path netns = Path.of(podInfo(podId).at("/namespaces/network").asText());
            assertThat(inode(Path.of("/proc/" + pid + "/ns/net"))).isEqualTo(nsInode(netns));
            String ip = c.podStatus(podId).getNetwork().getIp();
            assertThat(run("nsenter", "-t", Long.toString(pid), "-n", "ip", "-o", "-4", "addr", "show", "eth0"))
                    .as("nsenter -t {{.info.pid}} -n").contains(ip + "/");

            JsonNode spec = info.get("runtimeSpec");
            assertThat(spec.get("ociVersion").asText()).startsWith("1.0");
            assertThat(strings(spec.at("/process/args"))).containsExactly("sleep", "3600");
            assertThat(strings(spec.at("/process/env"))).contains("FOO=bar");
            assertThat(spec.at("/process/user/uid").asLong()).isZero();
            assertThat(strings(spec.at("/process/capabilities/effective"))).contains("CAP_CHOWN")
                    .doesNotContain("CAP_SYS_ADMIN").hasSize(Long.bitCount(statusMask(pid, "CapEff")));
            JsonNode data = null;
            for (JsonNode m : spec.get("mounts")) {
                if (m.path("destination").asText().equals("/data")) {
                    data = m;
                }
            }
            assertThat(data).as("the CRI mount in runtimeSpec.mounts").isNotNull();
            assertThat(data.get("type").asText()).isEqualTo("bind");
            assertThat(data.get("source").asText()).isEqualTo(hostDir.toString());
            assertThat(strings(data.get("options"))).contains("rbind", "ro");
            List<String> destinations = new ArrayList<>();
            spec.get("mounts").forEach(m -> destinations.add(m.get("destination").asText()));
            assertThat(destinations).contains("/proc", "/dev", "/sys", "/etc/hosts", "/etc/resolv.conf");
            JsonNode namespaces = spec.at("/linux/namespaces");
            List<String> types = new ArrayList<>();
            namespaces.forEach(n -> types.add(n.get("type").asText()));
            assertThat(types).contains("pid", "ipc", "uts", "mount", "network");
            for (JsonNode n : namespaces) {
                if (n.get("type").asText().equals("network")) {
                    assertThat(n.get("path").asText()).isEqualTo(netns.toString());
                }
            }
            // cgroupsPath is where the kernel has the process (memory hierarchy)
            assertThat(spec.at("/linux/cgroupsPath").asText()).isEqualTo(cgroupOf(pid, "memory"));
            assertThat(spec.at("/linux/seccomp").isMissingNode())
                    .as("no seccomp profile asked for: Unconfined, no filter").isEqualTo(seccompMode(pid) == 0);
            assertThat(strings(spec.at("/linux/maskedPaths"))).contains("/proc/kcore");

            JsonNode config = info.get("config");
            assertThat(config.at("/metadata/name").asText()).isEqualTo("app");
            assertThat(config.at("/image/image").asText()).isEqualTo(fx.image);
            assertThat(strings(config.get("command"))).containsExactly("sleep", "3600");
            assertThat(config.at("/mounts/0/container_path").asText()).isEqualTo("/data");
            assertThat(config.at("/mounts/0/readonly").asBoolean()).isTrue();
            assertThat(config.get("log_path").asText()).isEqualTo("app/0.log");
            assertThat(info.get("runtimeType").asText()).isNotEmpty();
        } finally {
            c.cleanup(podId);
        }
    }

    @Test
    void imageRefIsTheRepoDigestTheRegistryServes() throws Exception {
        PodSandboxConfig pod = fx.pod("imageref").build();
        String podId = c.runPod(pod);
        try {
            String id = c.create(podId, pod, fx.container("app", "sleep", "3600"));
            String manifestDigest = registryDigest("e2e/busybox", "1.0");
            String imageId = fx.daemon.endpoint().images().imageStatus(ImageStatusRequest.newBuilder()
                    .setImage(ImageSpec.newBuilder().setImage(fx.image)).build()).getImage().getId();
            ContainerStatus s = c.status(id);
            // kubelet copies image_ref into the pod's status.containerStatuses[].imageID
            assertThat(s.getImageRef()).isEqualTo(fx.registry.host() + "/e2e/busybox@" + manifestDigest);
            assertThat(s.getImageId()).isEqualTo(imageId);
            assertThat(s.getImage().getImage()).isEqualTo(fx.image);
            // containerd's ListContainers keeps the image id in image_ref
            var listed = c.rt().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList()
                    .stream().filter(x -> x.getId().equals(id)).findFirst().orElseThrow();
            assertThat(listed.getImageRef()).isEqualTo(imageId);
            assertThat(listed.getImageId()).isEqualTo(imageId);
        } finally {
            c.cleanup(podId);
        }
    }

    @Test
    void memorySwapLimitIsWhatTheKernelEnforces() throws Exception {
        PodSandboxConfig pod = fx.pod("swap").build();
        String podId = c.runPod(pod);
        try {
            long mib = 1024 * 1024;
            String id = c.run(podId, pod, fx.container("app", "sleep", "3600").setLinux(LinuxContainerConfig
                    .newBuilder().setResources(LinuxContainerResources.newBuilder()
                            .setMemoryLimitInBytes(128 * mib))));
            Path memory = Path.of("/sys/fs/cgroup/memory" + cgroupOf(c.pid(id), "memory"));
            Path memsw = memory.resolve("memory.memsw.limit_in_bytes");
            // containerd 1.6 answered 134217728 here: memory+swap equal to the memory limit, so no swapping
            long expected = Files.exists(memsw) ? 128 * mib : 0;
            assertThat(c.status(id).getResources().getLinux().getMemorySwapLimitInBytes()).isEqualTo(expected);
            c.rt().updateContainerResources(UpdateContainerResourcesRequest.newBuilder().setContainerId(id)
                    .setLinux(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(64 * mib)).build());
            var linux = c.status(id).getResources().getLinux();
            assertThat(linux.getMemoryLimitInBytes()).isEqualTo(64 * mib)
                    .isEqualTo(Long.parseLong(Files.readString(memory.resolve("memory.limit_in_bytes")).strip()));
            if (Files.exists(memsw)) {
                assertThat(linux.getMemorySwapLimitInBytes()).as("crictl update --memory, then memorySwapLimitInBytes")
                        .isEqualTo(64 * mib).isEqualTo(Long.parseLong(Files.readString(memsw).strip()));
            } else {
                assertThat(linux.getMemorySwapLimitInBytes()).as("no swap accounting: no swap limit").isZero();
            }
        } finally {
            c.cleanup(podId);
        }
    }

    @Test
    void inspectpGivesAPidInThePodsNamespacesAndTheCniResult() throws Exception {
        PodSandboxConfig pod = fx.pod("inspectp").build();
        String podId = c.runPod(pod);
        try {
            JsonNode before = podInfo(podId);
            Path netns = Path.of(before.at("/namespaces/network").asText());
            assertThat(before.get("pid").asLong()).as("no process runs in the pod yet").isZero();
            assertThat(nsInode(netns)).as("the pinned netns, what the README says to nsenter then").isNotEqualTo("0");
            String id = c.run(podId, pod, fx.container("app", "sleep", "3600"));
            JsonNode info = podInfo(podId);
            long pid = info.get("pid").asLong();
            assertThat(pid).isEqualTo(c.pid(id));
            assertThat(inode(Path.of("/proc/" + pid + "/ns/net"))).isEqualTo(nsInode(netns));
            assertThat(inode(Path.of("/proc/" + pid + "/ns/uts")))
                    .isEqualTo(nsInode(Path.of(info.at("/namespaces/uts").asText())));
            String ip = c.podStatus(podId).getNetwork().getIp();
            JsonNode eth0 = info.at("/cniResult/Interfaces/eth0");
            assertThat(eth0.at("/IPConfigs/0/IP").asText()).isEqualTo(ip);
            assertThat(eth0.at("/IPConfigs/0/Gateway").asText()).isEqualTo(fx.subnetPrefix + ".1");
            assertThat(eth0.get("Sandbox").asText()).isEqualTo(netns.toString());
            assertThat(run("nsenter", "--net=" + netns, "ip", "-o", "link", "show", "eth0"))
                    .contains("link/ether " + eth0.get("Mac").asText() + " ");
            assertThat(info.at("/cniResult/Interfaces/lo/IPConfigs/0/IP").asText()).isEqualTo("127.0.0.1");
            assertThat(info.at("/cniResult/Interfaces/" + fx.bridge + "/IPConfigs").isNull()).isTrue();
            assertThat(info.at("/cniResult/Routes/0/dst").asText()).isEqualTo("0.0.0.0/0");
            assertThat(info.at("/config/metadata/name").asText()).isEqualTo("inspectp");
            assertThat(info.at("/config/hostname").asText()).isEqualTo("inspectp");
        } finally {
            c.cleanup(podId);
        }
    }

    @Test
    void infoShowsTheLoadedCniConfigAndItsLoadStatus() throws Exception {
        var info = c.rt().status(StatusRequest.newBuilder().setVerbose(true).build()).getInfoMap();
        assertThat(info.get("lastCNILoadStatus")).isEqualTo("OK");
        JsonNode cni = JSON.readTree(info.get("cniconfig"));
        assertThat(cni.get("PluginConfDir").asText()).isEqualTo(base.resolve("net.d").toString());
        assertThat(strings(cni.get("PluginDirs"))).isNotEmpty();
        JsonNode networks = cni.get("Networks");
        assertThat(networks).hasSize(2);
        assertThat(networks.at("/0/IFName").asText()).isEqualTo("lo");
        assertThat(networks.at("/0/Config/Name").asText()).isEqualTo("cni-loopback");
        assertThat(networks.at("/1/IFName").asText()).isEqualTo("eth0");
        assertThat(networks.at("/1/Config/Name").asText()).isEqualTo("jcri-e2e");
        assertThat(networks.at("/1/Config/CNIVersion").asText()).isEqualTo("1.0.0");
        assertThat(networks.at("/1/Config/Plugins/0/Network/type").asText()).isEqualTo("bridge");
        assertThat(networks.at("/1/Config/Plugins/0/Network/ipam/type").asText()).isEqualTo("host-local");
        assertThat(JSON.readTree(networks.at("/1/Config/Plugins/0/Source").asText()).get("bridge").asText())
                .isEqualTo(fx.bridge);
        assertThat(networks.at("/1/Config/Plugins/1/Network/capabilities/portMappings").asBoolean()).isTrue();
        assertThat(networks.at("/1/Config/Source").asText())
                .isEqualTo(Files.readString(base.resolve("net.d/10-e2e.conflist")));
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private static JsonNode containerInfo(String id) throws IOException {
        return JSON.readTree(c.rt().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id)
                .setVerbose(true).build()).getInfoOrThrow("info"));
    }

    private static JsonNode podInfo(String podId) throws IOException {
        return JSON.readTree(c.podInfo(podId));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** "net:[4026532591]" of a /proc/PID/ns link. */
    private static String inode(Path nsLink) throws IOException {
        String target = Files.readSymbolicLink(nsLink).toString();
        return target.substring(target.indexOf('[') + 1, target.indexOf(']'));
    }

    /** The namespace inode a pinned nsfs file (a bind mount of one) stands for. */
    private static String nsInode(Path pinned) throws IOException {
        return Long.toString((Long) Files.getAttribute(pinned, "unix:ino"));
    }

    private static String cgroupOf(long pid, String controller) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            String[] f = line.split(":", 3);
            if (List.of(f[1].split(",")).contains(controller)) {
                return f[2];
            }
        }
        throw new AssertionError("no " + controller + " cgroup for " + pid);
    }

    private static long statusMask(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseUnsignedLong(line.substring(field.length() + 1).strip(), 16);
            }
        }
        throw new AssertionError("no " + field);
    }

    private static int seccompMode(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("Seccomp:")) {
                return Integer.parseInt(line.substring(8).strip());
            }
        }
        throw new AssertionError("no Seccomp line");
    }

    /** The digest the registry serves the tag's manifest under (Docker-Content-Digest). */
    private static String registryDigest(String repo, String tag) throws Exception {
        HttpResponse<Void> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(fx.registry.url() + "/v2/" + repo + "/manifests/" + tag))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header("Accept", "application/vnd.oci.image.manifest.v1+json, "
                        + "application/vnd.oci.image.index.v1+json, "
                        + "application/vnd.docker.distribution.manifest.v2+json")
                .build(), HttpResponse.BodyHandlers.discarding());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.headers().firstValue("Docker-Content-Digest").orElseThrow();
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
        return out;
    }
}
