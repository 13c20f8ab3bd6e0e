package io.jcri.e2e.harness;

import io.jcri.cri.v1.ContainerConfig;
import io.jcri.cri.v1.ContainerMetadata;
import io.jcri.cri.v1.ImageSpec;
import java.util.List;

/** CRI requests shaped as kubelet sends them, for the tests and benchmarks to build on. */
public final class KubeletRequests {
    private KubeletRequests() {
    }

    /** A container of {@code image} running {@code command}, logging to {@code name/0.log} as kubelet names it. */
    public static ContainerConfig.Builder container(String image, String name, String... command) {
        return ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(name))
                .setImage(ImageSpec.newBuilder().setImage(image))
                .addAllCommand(List.of(command))
                .setLogPath(name + "/0.log")
                .putLabels("io.kubernetes.container.name", name);
    }
}
