package io.jcri.e2e.pod;

import io.jcri.cri.v1.ContainerConfig;
import io.jcri.cri.v1.ImageSpec;
import io.jcri.cri.v1.LinuxPodSandboxConfig;
import io.jcri.cri.v1.LinuxSandboxSecurityContext;
import io.jcri.cri.v1.NamespaceMode;
import io.jcri.cri.v1.NamespaceOption;
import io.jcri.cri.v1.PodSandboxConfig;
import io.jcri.cri.v1.PodSandboxMetadata;
import io.jcri.cri.v1.PullImageRequest;
import io.jcri.e2e.harness.JcriConfigFile;
import io.jcri.e2e.harness.JcriDaemon;
import io.jcri.image.testkit.ManifestFormat;
import io.jcri.image.testkit.TestImageBuilder;
import io.jcri.image.testkit.TestLayers;
import io.jcri.image.testkit.TestRegistry;
import io.jcri.e2e.harness.KubeletRequests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A real daemon with a real CNI bridge network (its own bridge and subnet) and a busybox image pulled from a
 * loopback registry. Closing it removes what it made: daemon, registry, bridge.
 */
final class PodFixture implements AutoCloseable {
    final Path base;
    final TestRegistry registry;
    final JcriDaemon daemon;
    final String image;
    final String bridge;
    final String subnetPrefix;

    PodFixture(Path base) throws IOException {
        this.base = base;
        String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        bridge = "jcrie" + tag;
        subnetPrefix = "10.236." + ThreadLocalRandom.current().nextInt(1, 254);
        registry = TestRegistry.start();
        TestImageBuilder.image().layer(TestLayers.busybox()).cmd("sh")
                .push(registry, "e2e/busybox", "1.0", ManifestFormat.OCI);
        image = registry.host() + "/e2e/busybox:1.0";
        Path netd = Files.createDirectories(base.resolve("net.d"));
        Files.writeString(netd.resolve("10-e2e.conflist"), """
                {"cniVersion": "1.0.0", "name": "jcri-e2e", "plugins": [
                  {"type": "bridge", "bridge": "%s", "isGateway": true, "ipMasq": false,
                   "ipam": {"type": "host-local", "dataDir": "%s", "ranges": [[{"subnet": "%s.0/24"}]],
                            "routes": [{"dst": "0.0.0.0/0"}]}},
                  {"type": "portmap", "capabilities": {"portMappings": true}}
                ]}
                """.formatted(bridge, base.resolve("ipam"), subnetPrefix));
        Path config = JcriConfigFile.write(base, registry.host(), netd);
        JcriDaemon d;
        try {
            d = JcriDaemon.start(base.resolve("d"), "--config", config.toString());
        } catch (RuntimeException | Error e) {
            registry.close();
            throw e;
        }
        daemon = d;
        daemon.endpoint().images().pullImage(PullImageRequest.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage(image)).build());
    }

    PodSandboxConfig.Builder pod(String name) {
        String uid = "uid-" + name + "-" + ThreadLocalRandom.current().nextInt(1_000_000);
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("e2e").setUid(uid))
                .setHostname(name)
                .setLogDirectory(base.resolve("logs/" + uid).toString())
                .putLabels("io.kubernetes.pod.uid", uid)
                .putLabels("app", name)
                .putAnnotations("note", "ünïcode & <symbols>")
                .setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(LinuxSandboxSecurityContext
                        .newBuilder().setNamespaceOptions(NamespaceOption.newBuilder()
                                .setPid(NamespaceMode.CONTAINER))));
    }

    ContainerConfig.Builder container(String name, String... command) {
        return KubeletRequests.container(image, name, command);
    }

    @Override
    public void close() {
        try {
            daemon.close();
        } finally {
            registry.close();
            try {
                Process p = new ProcessBuilder("ip", "link", "del", bridge).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException ignored) {
                // the bridge may never have been created
            }
        }
    }
}
