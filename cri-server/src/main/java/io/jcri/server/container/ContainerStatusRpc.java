package io.jcri.server.container;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcri.cri.v1.ContainerResources;
import io.jcri.cri.v1.ContainerState;
import io.jcri.cri.v1.ContainerStatus;
import io.jcri.cri.v1.ContainerStatusRequest;
import io.jcri.cri.v1.ContainerStatusResponse;
import io.jcri.cri.v1.ImageSpec;
import io.jcri.image.ImageService;
import io.jcri.image.metadata.ImageRecord;
import io.jcri.runtime.ContainerRuntime;
import io.jcri.server.inspect.GoJson;
import io.jcri.server.store.Container;
import io.jcri.server.store.ContainerStore;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code ContainerStatus}: state, times, exit code and reason, image, mounts, log path, labels and annotations as
 * given, and the resources in force. As containerd: {@code image_ref} is the image's repo digest
 * ({@code repo@sha256:<manifest digest>}, which kubelet copies into the pod's {@code imageID}) and only the image
 * id when the image has none (or is gone), {@code image_id} the image id, {@code image} the image's first tag.
 * {@code verbose} adds containerd's {@code info} object: {@code sandboxID}, {@code pid} (the container's init
 * as seen from the host, what {@code nsenter -t} takes), {@code runtimeSpec} (what the runtime applied, in the
 * OCI spec's shape), {@code config} (the CRI ContainerConfig as containerd prints it), {@code runtimeType},
 * and jcri's {@code imageRef} and {@code logPath}.
 */
public final class ContainerStatusRpc {
    /** What containerd names the shim (io.containerd.runc.v2) there is: jcri runs containers itself. */
    public static final String RUNTIME_TYPE = "io.jcri.runtime.v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ContainerStore containers;
    private final ContainerRuntime runtime;
    private final ImageService images;

    public ContainerStatusRpc(ContainerStore containers, ContainerRuntime runtime, ImageService images) {
        this.containers = containers;
        this.runtime = runtime;
        this.images = images;
    }

    public ContainerStatusResponse status(ContainerStatusRequest request) {
        Container c = containers.get(request.getContainerId());
        Optional<io.jcri.runtime.ContainerState> state = stateOf(runtime, c);
        ContainerStatus.Builder status = statusBuilder(c, state);
        String imageRef = c.imageId();
        Optional<ImageRecord> image = images.status(c.imageId());
        if (image.isPresent()) {
            if (!image.get().repoTags().isEmpty()) {
                status.setImage(ImageSpec.newBuilder().setImage(image.get().repoTags().get(0)));
            }
            if (!image.get().repoDigests().isEmpty()) {
                imageRef = image.get().repoDigests().get(0);
            }
        }
        status.setImageRef(imageRef);
        appliedSwap(c).ifPresent(swap -> status.getResourcesBuilder().getLinuxBuilder()
                .setMemorySwapLimitInBytes(swap));
        ContainerStatusResponse.Builder r = ContainerStatusResponse.newBuilder().setStatus(status);
        if (request.getVerbose()) {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("sandboxID", c.sandboxId());
            info.put("pid", state.map(io.jcri.runtime.ContainerState::pid).orElse(0L));
            info.put("removing", false);
            info.put("runtimeType", RUNTIME_TYPE);
            info.put("config", GoJson.of(c.config()));
            info.put("runtimeSpec", runtimeSpec(c));
            info.put("imageRef", imageRef);
            info.put("logPath", c.logPath() == null ? "" : c.logPath().toString());
            try {
                r.putInfo("info", JSON.writeValueAsString(info));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return r.build();
    }

    /**
     * The memory+swap limit the runtime wrote when the request left it unset (containerd's default: equal to the
     * memory limit), so that status shows what the kernel enforces, as containerd's does.
     */
    private Optional<Long> appliedSwap(Container c) {
        if (c.config().getLinux().getResources().getMemorySwapLimitInBytes() != 0) {
            return Optional.empty();
        }
        try {
            Long swap = runtime.appliedResources(c.id()).memorySwapLimitBytes();
            return swap == null || swap == 0 ? Optional.empty() : Optional.of(swap);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private Object runtimeSpec(Container c) {
        Map<String, Object> spec;
        try {
            spec = new LinkedHashMap<>(runtime.ociSpec(c.id()));
        } catch (RuntimeException e) {
            return null; // the runtime no longer knows the container
        }
        spec.put("annotations", specAnnotations(c));
        return spec;
    }

    /**
     * The spec's annotations as containerd's CRI plugin writes them: the container's own annotations plus its
     * {@code io.kubernetes.cri.*} keys (tools read the container type, name and sandbox id there).
     */
    private static Map<String, String> specAnnotations(Container c) {
        Map<String, String> a = new TreeMap<>(c.config().getAnnotationsMap());
        a.put("io.kubernetes.cri.container-type", "container");
        a.put("io.kubernetes.cri.container-name", c.config().getMetadata().getName());
        a.put("io.kubernetes.cri.sandbox-id", c.sandboxId());
        a.put("io.kubernetes.cri.image-name", c.config().getImage().getImage());
        return a;
    }

    public static Optional<io.jcri.runtime.ContainerState> stateOf(ContainerRuntime runtime, Container c) {
        try {
            return Optional.of(runtime.state(c.id()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    public static ContainerState criState(Optional<io.jcri.runtime.ContainerState> state) {
        if (state.isEmpty()) {
            return ContainerState.CONTAINER_UNKNOWN;
        }
        return switch (state.get().status()) {
            case CREATED -> ContainerState.CONTAINER_CREATED;
            case RUNNING -> ContainerState.CONTAINER_RUNNING;
            case EXITED -> ContainerState.CONTAINER_EXITED;
        };
    }

    public static ContainerStatus toStatus(Container c, Optional<io.jcri.runtime.ContainerState> state) {
        return statusBuilder(c, state).build();
    }

    private static ContainerStatus.Builder statusBuilder(Container c, Optional<io.jcri.runtime.ContainerState> state) {
        ContainerStatus.Builder b = ContainerStatus.newBuilder()
                .setId(c.id())
                .setMetadata(c.config().getMetadata())
                .setState(criState(state))
                .setCreatedAt(c.createdAtNanos())
                .setImage(ImageSpec.newBuilder().setImage(c.imageName()))
                .setImageRef(c.imageId())
                .setImageId(c.imageId())
                .putAllLabels(c.config().getLabelsMap())
                .putAllAnnotations(c.config().getAnnotationsMap())
                .addAllMounts(c.config().getMountsList())
                .setLogPath(c.logPath() == null ? "" : c.logPath().toString())
                .setResources(ContainerResources.newBuilder().setLinux(c.config().getLinux().getResources()))
                .setStopSignalValue(c.config().getStopSignalValue());
        state.ifPresent(s -> {
            if (s.startedAt() != null) {
                b.setStartedAt(nanos(s.startedAt()));
            }
            if (s.status() == io.jcri.runtime.ContainerStatus.EXITED) {
                if (s.finishedAt() != null) {
                    b.setFinishedAt(nanos(s.finishedAt()));
                }
                int code = s.exitCode() == null ? 255 : s.exitCode();
                b.setExitCode(code);
                if (s.oomKilled()) {
                    b.setReason("OOMKilled");
                } else {
                    b.setReason(code == 0 ? "Completed" : "Error");
                }
                if (!s.exitKnown()) {
                    b.setMessage("the exit status was lost while jcri was not running");
                }
            }
        });
        return b;
    }

    static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
