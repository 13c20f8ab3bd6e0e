package io.jcri.server.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.jcri.cri.v1.ContainerConfig;
import java.nio.file.Path;

/**
 * A CRI container: the config kubelet sent (kept as sent), its sandbox, the image it resolved to and where
 * its log goes. Its process state lives in the runtime.
 */
public final class Container {
    private final String id;
    private final String sandboxId;
    private final ContainerConfig config;
    private final String imageId;
    private final String imageName;
    private final Path logPath;
    private final long createdAtNanos;

    public Container(String id, String sandboxId, ContainerConfig config, String imageId, String imageName,
                     Path logPath, long createdAtNanos) {
        this.id = id;
        this.sandboxId = sandboxId;
        this.config = config;
        this.imageId = imageId;
        this.imageName = imageName;
        this.logPath = logPath;
        this.createdAtNanos = createdAtNanos;
    }

    public String id() {
        return id;
    }

    public String sandboxId() {
        return sandboxId;
    }

    public ContainerConfig config() {
        return config;
    }

    /** The image id (config digest): CRI image_ref and image_id. */
    public String imageId() {
        return imageId;
    }

    /** The image as the request named it. */
    public String imageName() {
        return imageName;
    }

    /** The CRI log file, or null when kubelet asked for none. */
    public Path logPath() {
        return logPath;
    }

    public long createdAtNanos() {
        return createdAtNanos;
    }

    /** The same container with new Linux resources (UpdateContainerResources), so status and stats report them. */
    public Container withResources(io.jcri.cri.v1.LinuxContainerResources resources) {
        ContainerConfig.Builder b = config.toBuilder();
        b.getLinuxBuilder().setResources(resources);
        return new Container(id, sandboxId, b.build(), imageId, imageName, logPath, createdAtNanos);
    }

    /** Unique within the sandbox: name and attempt. */
    public String fullName() {
        return sandboxId + "/" + config.getMetadata().getName() + "_" + config.getMetadata().getAttempt();
    }

    Record toRecord() {
        return new Record(id, sandboxId, config.toByteArray(), imageId, imageName,
                logPath == null ? null : logPath.toString(), createdAtNanos);
    }

    static Container fromRecord(Record r) {
        try {
            return new Container(r.id(), r.sandboxId(), ContainerConfig.parseFrom(r.config()), r.imageId(),
                    r.imageName(), r.logPath() == null ? null : Path.of(r.logPath()), r.createdAtNanos());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt container record " + r.id(), e);
        }
    }

    /** The persisted form. */
    record Record(String id, String sandboxId, byte[] config, String imageId, String imageName, String logPath,
                  long createdAtNanos) {
    }
}
