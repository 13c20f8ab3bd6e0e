package io.jcri.e2e.streaming;

import io.jcri.cri.v1.ContainerConfig;
import io.jcri.cri.v1.CreateContainerRequest;
import io.jcri.cri.v1.ImageSpec;
import io.jcri.cri.v1.LinuxPodSandboxConfig;
import io.jcri.cri.v1.PodSandboxConfig;
import io.jcri.cri.v1.PodSandboxMetadata;
import io.jcri.cri.v1.PullImageRequest;
import io.jcri.cri.v1.RemovePodSandboxRequest;
import io.jcri.cri.v1.RunPodSandboxRequest;
import io.jcri.cri.v1.RuntimeServiceGrpc.RuntimeServiceBlockingStub;
import io.jcri.cri.v1.StartContainerRequest;
import io.jcri.cri.v1.StopPodSandboxRequest;
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
 * A real daemon (streaming tokens valid {@link #TOKEN_TTL_SECONDS}s) with a CNI bridge network and a busybox
 * image from a loopback registry, plus one pod. Closing it removes the pod, the daemon, the registry, the bridge.
 */
final class StreamingFixture implements AutoCloseable {
    static final int TOKEN_TTL_SECONDS = 3;

    final Path base;
    final TestRegistry registry;
    final JcriDaemon daemon;
    final String image;
    final String bridge;
    PodSandboxConfig podConfig;
    String podId;

    StreamingFixture(Path base) throws IOException {
        this.base = base;
        String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        bridge = "jcris" + tag;
        String subnet = "10.237." + ThreadLocalRandom.current().nextInt(1, 254);
        registry = TestRegistry.start();
        TestImageBuilder.image().layer(TestLayers.busybox()).cmd("sh")
                .push(registry, "e2e/busybox", "1.0", ManifestFormat.OCI);
        image = registry.host() + "/e2e/busybox:1.0";
        Path netd = Files.createDirectories(base.resolve("net.d"));
        Files.writeString(netd.resolve("10-e2e.conflist"), """
                {"cniVersion": "1.0.0", "name": "jcri-e2e", "plugins": [
                  {"type": "bridge", "bridge": "%s", "isGateway": true, "ipMasq": false,
                   "ipam": {"type": "host-local", "dataDir": "%s", "ranges": [[{"subnet": "%s.0/24"}]]}}
                ]}
                """.formatted(bridge, base.resolve("ipam"), subnet));
        Path config = JcriConfigFile.write(base, registry.host(), netd, """
                [streaming]
                address = "127.0.0.1:0"
                token_ttl_seconds = %d
                """.formatted(TOKEN_TTL_SECONDS));
        JcriDaemon d;
        try {
            d = JcriDaemon.start(base.resolve("d"), "--config", config.toString());
        } catch (RuntimeException | Error e) {
            closeQuietly();
            throw e;
        }
        daemon = d;
        try {
            daemon.endpoint().images().pullImage(PullImageRequest.newBuilder()
                    .setImage(ImageSpec.newBuilder().setImage(image)).build());
            String uid = "uid-stream-" + ThreadLocalRandom.current().nextInt(1_000_000);
            podConfig = PodSandboxConfig.newBuilder()
                    .setMetadata(PodSandboxMetadata.newBuilder().setName("stream").setNamespace("e2e").setUid(uid))
                    .setHostname("stream")
                    .setLogDirectory(base.resolve("logs/" + uid).toString())
                    .setLinux(LinuxPodSandboxConfig.newBuilder())
                    .build();
            podId = rt().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(podConfig).build())
                    .getPodSandboxId();
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    RuntimeServiceBlockingStub rt() {
        return daemon.endpoint().runtime();
    }

    ContainerConfig.Builder container(String name, String... command) {
        return KubeletRequests.container(image, name, command);
    }

    /** Creates and starts a container in the pod; returns its id. */
    String run(ContainerConfig.Builder c) {
        String id = rt().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId)
                .setSandboxConfig(podConfig).setConfig(c).build()).getContainerId();
        rt().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
        return id;
    }

    Path logOf(String name) {
        return Path.of(podConfig.getLogDirectory()).resolve(name + "/0.log");
    }

    @Override
    public void close() {
        try {
            if (podId != null) {
                rt().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
                rt().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
            }
        } finally {
            try {
                if (daemon != null) {
                    daemon.close();
                }
            } finally {
                closeQuietly();
            }
        }
    }

    private void closeQuietly() {
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
