package io.jcri.server.container;

import io.jcri.cri.v1.ContainerConfig;
import io.jcri.cri.v1.CreateContainerRequest;
import io.jcri.cri.v1.CreateContainerResponse;
import io.jcri.image.ImageService;
import io.jcri.image.metadata.ImageRecord;
import io.jcri.runtime.ContainerRuntime;
import io.jcri.runtime.CrashPoints;
import io.jcri.runtime.ContainerSpec;
import io.jcri.runtime.launch.CommandLookup;
import io.jcri.runtime.launch.Undo;
import io.jcri.server.events.ContainerEvents;
import io.jcri.server.grpc.CriException;
import io.jcri.server.grpc.Quoted;
import io.jcri.server.validation.ContainerRequestLimits;
import io.jcri.server.validation.ProcessLimits;
import io.jcri.server.store.Container;
import io.jcri.server.store.ContainerStore;
import io.jcri.server.store.Ids;
import io.jcri.server.store.Sandbox;
import io.jcri.server.store.SandboxState;
import io.jcri.server.store.SandboxStore;
import java.nio.file.Path;
import java.util.List;
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
        ContainerRequestLimits.check(config);
        Sandbox sandbox = sandboxes.get(request.getPodSandboxId());
        checkPidTarget(sandbox, config);
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
            ProcessLimits.check("CreateContainer", "the command (config.command and config.args, or the image's)",
                    spec.process().args(), "the environment (config.envs and the image's)", spec.process().env());
            checkCommandExists(spec, config);
            runtime.create(spec);
            undo.push(() -> runtime.delete(id));
            containers.add(container);
            CrashPoints.reach(CrashPoints.CONTAINER_RECORD);
            undo.commit();
        }
        events.containerCreated(container);
        LOG.fine("created container " + id + " (" + container.fullName() + ") from " + image.id());
        return CreateContainerResponse.newBuilder().setContainerId(id).build();
    }

    /**
     * A command that is not in the image is refused here, before anything is made (issue 13). containerd 1.6
     * accepts such a container and fails StartContainer with UNKNOWN ("executable file not found in $PATH"); jcri
     * answers at the first RPC that can know. Where the answer depends on something only the start has (a CRI
     * mount, /proc, /dev) the start decides, with its FAILED_PRECONDITION sentence (StartFailures).
     */
    private static void checkCommandExists(ContainerSpec spec, ContainerConfig config) {
        List<String> mountPaths = spec.mounts().stream().map(io.jcri.runtime.MountSpec::containerPath).toList();
        CommandLookup.missing(spec.process(), spec.lowerDirs(), mountPaths).ifPresent(missing -> {
            String source = config.getCommandCount() > 0 ? "from config.command" : config.getArgsCount() > 0
                    ? "from the image's entrypoint or config.args" : "from the image's entrypoint or cmd";
            throw CriException.failedPrecondition("CreateContainer: the command " + Quoted.of(missing) + " ("
                    + source + ") does not exist in image " + Quoted.of(config.getImage().getImage())
                    + " (looked up along the container's PATH, symbolic links followed inside the image)");
        });
    }

    private static Path logPath(Sandbox sandbox, ContainerConfig config) {
        String dir = sandbox.config().getLogDirectory();
        String rel = config.getLogPath();
        if (dir.isEmpty() || rel.isEmpty()) {
            return null;
        }
        if (!dir.startsWith("/")) {
            // a record from before RunPodSandbox refused relative directories: never resolve against our cwd
            throw CriException.invalidArgument("CreateContainer: the sandbox's log_directory " + Quoted.of(dir)
                    + " is not an absolute path");
        }
        Path base = Path.of(dir).normalize();
        Path log = base.resolve(rel).normalize();
        if (rel.startsWith("/") || !log.startsWith(base) || log.equals(base)) {
            throw CriException.invalidArgument("CreateContainer: config.log_path " + Quoted.of(rel)
                    + " leaves the sandbox's log directory " + Quoted.of(dir));
        }
        return log;
    }

    /**
     * A container sharing another's PID namespace (TARGET, as kubectl debug's ephemeral containers do) needs that
     * container, in the same pod, now: the namespace is joined from its process. As in containerd.
     */
    private void checkPidTarget(Sandbox sandbox, ContainerConfig config) {
        var ns = config.getLinux().getSecurityContext().getNamespaceOptions();
        if (ns.getPid() != io.jcri.cri.v1.NamespaceMode.TARGET) {
            return;
        }
        String targetId = ns.getTargetId();
        Container target = containers.find(targetId).orElseThrow(() -> CriException.notFound("CreateContainer:"
                + " config.linux.security_context.namespace_options.target_id names container " + Quoted.of(targetId)
                + ", which does not exist"));
        if (!target.sandboxId().equals(sandbox.id())) {
            throw CriException.invalidArgument("CreateContainer: the pid target container " + target.id()
                    + " belongs to another sandbox (" + target.sandboxId() + ")");
        }
        io.jcri.runtime.ContainerStatus status;
        try {
            status = runtime.state(target.id()).status();
        } catch (RuntimeException e) {
            status = null;
        }
        if (status != io.jcri.runtime.ContainerStatus.RUNNING) {
            throw CriException.failedPrecondition("CreateContainer: the pid target container " + target.id()
                    + " is not running; its PID namespace can only be joined while it runs");
        }
    }
}
