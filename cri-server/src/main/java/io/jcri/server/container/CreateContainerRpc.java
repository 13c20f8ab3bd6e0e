package io.jcri.server.container;

import io.jcri.cri.v1.ContainerConfig;
import io.jcri.cri.v1.CreateContainerRequest;
import io.jcri.cri.v1.CreateContainerResponse;
import io.jcri.image.ImageService;
import io.jcri.image.metadata.ImageRecord;
import io.jcri.runtime.ContainerRuntime;
import io.jcri.runtime.ContainerSpec;
import io.jcri.runtime.launch.Undo;
import io.jcri.server.events.ContainerEvents;
import io.jcri.server.grpc.CriException;
import io.jcri.server.store.Container;
import io.jcri.server.store.ContainerStore;
import io.jcri.server.store.Ids;
import io.jcri.server.store.Sandbox;
import io.jcri.server.store.SandboxState;
import io.jcri.server.store.SandboxStore;
import java.nio.file.Path;
import java.util.logging.Logger;

/** {@code CreateContainer}: resolves the image, builds the runtime spec and creates the container (not started). */
public final class CreateContainerRpc {
    private static final Logger LOG = Logger.getLogger(CreateContainerRpc.class.getName());

    private final SandboxStore sandboxes;
    private final ContainerStore containers;
    private final ImageService images;
    private final ContainerRuntime runtime;
    private final ContainerSpecFactory specs;
    private final ContainerEvents events;

    public CreateContainerRpc(SandboxStore sandboxes, ContainerStore containers, ImageService images,
                              ContainerRuntime runtime, ContainerSpecFactory specs, ContainerEvents events) {
        this.sandboxes = sandboxes;
        this.containers = containers;
        this.images = images;
        this.runtime = runtime;
        this.specs = specs;
        this.events = events;
    }

    public CreateContainerResponse create(CreateContainerRequest request) {
        ContainerConfig config = request.getConfig();
        if (config.getMetadata().getName().isEmpty()) {
            throw CriException.invalidArgument("CreateContainer: config.metadata.name is empty");
        }
        if (config.getImage().getImage().isEmpty()) {
            throw CriException.invalidArgument("CreateContainer: config.image.image is empty");
        }
        Sandbox sandbox = sandboxes.get(request.getPodSandboxId());
        if (sandbox.state() != SandboxState.READY) {
            throw CriException.failedPrecondition("CreateContainer: sandbox " + sandbox.id() + " is not ready"
                    + " (it was stopped); create a new sandbox");
        }
        ImageRecord image = images.status(config.getImage().getImage()).orElseThrow(() -> CriException.notFound(
                "CreateContainer: image \"" + config.getImage().getImage() + "\" is not present; pull it first"));
        String id = Ids.newId();
        Path logPath = logPath(sandbox, config);
        Container container = new Container(id, sandbox.id(), config, image.id(), config.getImage().getImage(),
                logPath, System.currentTimeMillis() * 1_000_000L);
        containers.reserveName(container.fullName(), id);
        try (Undo undo = new Undo()) {
            undo.push(() -> containers.releaseName(container.fullName(), id));
            ContainerSpec spec = specs.build(id, sandbox, config, image, images.lowerDirs(image));
            runtime.create(spec);
            undo.push(() -> runtime.delete(id));
            containers.add(container);
            undo.commit();
        }
        events.containerCreated(container);
        LOG.fine("created container " + id + " (" + container.fullName() + ") from " + image.id());
        return CreateContainerResponse.newBuilder().setContainerId(id).build();
    }

    private static Path logPath(Sandbox sandbox, ContainerConfig config) {
        String dir = sandbox.config().getLogDirectory();
        String rel = config.getLogPath();
        if (dir.isEmpty() || rel.isEmpty()) {
            return null;
        }
        Path base = Path.of(dir).toAbsolutePath().normalize();
        Path log = base.resolve(rel).normalize();
        if (!log.startsWith(base) || log.equals(base)) {
            throw CriException.invalidArgument("CreateContainer: log_path \"" + rel + "\" escapes the sandbox's log"
                    + " directory " + dir);
        }
        return log;
    }
}
