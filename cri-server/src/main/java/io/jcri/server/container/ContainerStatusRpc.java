package io.jcri.server.container;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcri.cri.v1.ContainerResources;
import io.jcri.cri.v1.ContainerState;
import io.jcri.cri.v1.ContainerStatus;
import io.jcri.cri.v1.ContainerStatusRequest;
import io.jcri.cri.v1.ContainerStatusResponse;
import io.jcri.cri.v1.ImageSpec;
import io.jcri.runtime.ContainerRuntime;
import io.jcri.server.store.Container;
import io.jcri.server.store.ContainerStore;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ContainerStatus}: state, times, exit code and reason, image and image_ref (the image id, as
 * ImageService reports it), mounts, log path, labels and annotations as given. {@code verbose} adds containerd's
 * {@code info} object with {@code pid} and {@code sandboxID}, which operators script against.
 */
public final class ContainerStatusRpc {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ContainerStore containers;
    private final ContainerRuntime runtime;

    public ContainerStatusRpc(ContainerStore containers, ContainerRuntime runtime) {
        this.containers = containers;
        this.runtime = runtime;
    }

    public ContainerStatusResponse status(ContainerStatusRequest request) {
        Container c = containers.get(request.getContainerId());
        Optional<io.jcri.runtime.ContainerState> state = stateOf(runtime, c);
        ContainerStatusResponse.Builder r = ContainerStatusResponse.newBuilder().setStatus(toStatus(c, state));
        if (request.getVerbose()) {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("sandboxID", c.sandboxId());
            info.put("pid", state.map(io.jcri.runtime.ContainerState::pid).orElse(0L));
            info.put("imageRef", c.imageId());
            info.put("logPath", c.logPath() == null ? "" : c.logPath().toString());
            try {
                r.putInfo("info", JSON.writeValueAsString(info));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return r.build();
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
        return b.build();
    }

    static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
