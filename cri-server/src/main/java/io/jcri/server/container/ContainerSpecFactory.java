package io.jcri.server.container;

import io.jcri.cri.v1.ContainerConfig;
import io.jcri.cri.v1.LinuxContainerSecurityContext;
import io.jcri.cri.v1.Mount;
import io.jcri.cri.v1.NamespaceOption;
import io.jcri.image.metadata.ImageRecord;
import io.jcri.runtime.ContainerSpec;
import io.jcri.runtime.HostMounts;
import io.jcri.runtime.MountSpec;
import io.jcri.runtime.NamespaceSpec;
import io.jcri.runtime.ProcessSpec;
import io.jcri.runtime.SecuritySpec;
import io.jcri.server.grpc.CriException;
import io.jcri.server.sandbox.NamespaceModes;
import io.jcri.server.sandbox.SandboxFiles;
import io.jcri.server.store.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Turns a CRI CreateContainer request, its sandbox and its image into the runtime's container spec. */
public final class ContainerSpecFactory {
    private final List<Path> protectedDirs;

    /** @param protectedDirs jcri's own directories: no request may bind-mount anything in them */
    public ContainerSpecFactory(List<Path> protectedDirs) {
        this.protectedDirs = io.jcri.server.validation.HostPaths.resolvedDirs(protectedDirs);
    }

    public ContainerSpec build(String id, Sandbox sandbox, ContainerConfig config, ImageRecord image,
                               List<Path> lowerDirs) {
        String hostname = readHostname(sandbox);
        List<String> argv = ImageConfigMerge.argv(config, image.config());
        if (argv.isEmpty()) {
            throw CriException.invalidArgument("CreateContainer: neither the request nor image " + image.id()
                    + " gives a command to run");
        }
        ProcessSpec process = new ProcessSpec(argv, ImageConfigMerge.env(config, image.config(), hostname),
                ImageConfigMerge.workingDir(config, image.config()), config.getTty(), config.getStdin(),
                config.getStdinOnce(), null, null);
        List<MountSpec> mounts = mounts(config);
        boolean mountsHosts = mounts.stream().anyMatch(m -> m.containerPath().equals("/etc/hosts"));
        boolean mountsResolv = mounts.stream().anyMatch(m -> m.containerPath().equals("/etc/resolv.conf"));
        boolean mountsHostname = mounts.stream().anyMatch(m -> m.containerPath().equals("/etc/hostname"));
        LinuxContainerSecurityContext sc = config.getLinux().getSecurityContext();
        return new ContainerSpec(id, sandbox.id(), lowerDirs, process, mounts, namespaces(sandbox, sc),
                security(sc, image, config), ResourcesMapper.toRuntime(config.getLinux().getResources()),
                emptyToNull(sandbox.config().getLinux().getCgroupParent()), hostname,
                mountsHosts ? null : SandboxFiles.hosts(sandbox.dir()),
                mountsResolv ? null : SandboxFiles.resolvConf(sandbox.dir()),
                mountsHostname ? null : SandboxFiles.hostname(sandbox.dir()), ContainerDevices.of(config));
    }

    private static String readHostname(Sandbox sandbox) {
        try {
            return Files.readString(SandboxFiles.hostname(sandbox.dir())).trim();
        } catch (java.io.IOException e) {
            return sandbox.config().getHostname();
        }
    }

    private List<MountSpec> mounts(ContainerConfig config) {
        List<MountSpec> out = new ArrayList<>();
        for (Mount m : config.getMountsList()) {
            if (m.getContainerPath().isEmpty() || !m.getContainerPath().startsWith("/")) {
                throw CriException.invalidArgument("CreateContainer: mount container_path \"" + m.getContainerPath()
                        + "\" must be an absolute path");
            }
            if (m.getHostPath().isEmpty()) {
                throw CriException.invalidArgument("CreateContainer: mount of " + m.getContainerPath()
                        + " has no host_path");
            }
            // symlinks resolved before the check, and the resolved path is what gets mounted
            Path host = io.jcri.server.validation.HostPaths.resolve("CreateContainer", m.getHostPath(),
                    m.getContainerPath(), protectedDirs);
            MountSpec.Propagation propagation = switch (m.getPropagation()) {
                case PROPAGATION_HOST_TO_CONTAINER -> MountSpec.Propagation.HOST_TO_CONTAINER;
                case PROPAGATION_BIDIRECTIONAL -> MountSpec.Propagation.BIDIRECTIONAL;
                default -> MountSpec.Propagation.PRIVATE;
            };
            // containerd's ensureShared/ensureSharedOrSlave; containerd answers UNKNOWN (a plain error), jcri
            // FAILED_PRECONDITION: the request is well formed, the node's mount of the source is not ready for it
            String propagationProblem = HostMounts.propagationProblem(host, propagation);
            if (propagationProblem != null) {
                throw CriException.failedPrecondition("CreateContainer: mount of " + m.getContainerPath() + " with "
                        + m.getPropagation() + ": " + propagationProblem);
            }
            if (m.getRecursiveReadOnly() && !m.getReadonly()) {
                throw CriException.invalidArgument("CreateContainer: mount of " + m.getContainerPath()
                        + " asks for recursive_read_only without readonly");
            }
            if (m.getRecursiveReadOnly() && propagation != MountSpec.Propagation.PRIVATE) {
                throw CriException.invalidArgument("CreateContainer: mount of " + m.getContainerPath()
                        + " asks for recursive_read_only with " + m.getPropagation()
                        + "; a recursive read-only mount needs PROPAGATION_PRIVATE");
            }
            out.add(new MountSpec(m.getContainerPath(), host, m.getReadonly(), propagation,
                    m.getRecursiveReadOnly()));
        }
        return out;
    }

    private static NamespaceSpec namespaces(Sandbox sandbox, LinuxContainerSecurityContext sc) {
        NamespaceOption pod = sandbox.config().getLinux().getSecurityContext().getNamespaceOptions();
        NamespaceOption own = sc.getNamespaceOptions();
        // network and IPC are the pod's; PID may be per container, the pod's, the node's or another container's.
        // A container asking for the pod's PID namespace in a pod that has none (crictl's default when the
        // container config leaves namespace_options out) gets its own, as it would next to a pause process.
        io.jcri.cri.v1.NamespaceMode pid = own.getPid();
        if (pid == io.jcri.cri.v1.NamespaceMode.POD && pod.getPid() != io.jcri.cri.v1.NamespaceMode.POD) {
            pid = pod.getPid() == io.jcri.cri.v1.NamespaceMode.NODE ? io.jcri.cri.v1.NamespaceMode.NODE
                    : io.jcri.cri.v1.NamespaceMode.CONTAINER;
        }
        return new NamespaceSpec(NamespaceModes.toRuntime(pod.getNetwork()), NamespaceModes.toRuntime(pid),
                NamespaceModes.toRuntime(pod.getIpc()), emptyToNull(own.getTargetId()));
    }

    private static SecuritySpec security(LinuxContainerSecurityContext sc, ImageRecord image, ContainerConfig config) {
        if (sc.hasRunAsGroup() && !sc.hasRunAsUser() && sc.getRunAsUsername().isEmpty()) {
            // containerd: "user group ... is specified without user"; the image's user is not a substitute
            throw CriException.invalidArgument("CreateContainer: run_as_group " + sc.getRunAsGroup().getValue()
                    + " is set without run_as_user or run_as_username; a group needs a user");
        }
        Long uid = sc.hasRunAsUser() ? sc.getRunAsUser().getValue() : null;
        String username = sc.getRunAsUsername().isEmpty() ? null : sc.getRunAsUsername();
        if (uid == null && username == null && !image.config().user().isEmpty()) {
            String u = image.config().user();
            String user = u.contains(":") ? u.substring(0, u.indexOf(':')) : u;
            if (user.chars().allMatch(Character::isDigit) && !user.isEmpty()) {
                uid = Long.parseLong(user);
            } else {
                username = user;
            }
        }
        Long gid = sc.hasRunAsGroup() ? Long.valueOf(sc.getRunAsGroup().getValue()) : imageGroup(image);
        long requestedAdj = config.getLinux().getResources().getOomScoreAdj();
        int oomScoreAdj = (int) Math.max(-1000, Math.min(1000, requestedAdj));
        return new SecuritySpec(sc.getPrivileged(), sc.getCapabilities().getAddCapabilitiesList(),
                sc.getCapabilities().getDropCapabilitiesList(), sc.getNoNewPrivs(), SeccompProfiles.forContainer(sc), uid, username, gid,
                sc.getSupplementalGroupsList(), sc.getReadonlyRootfs(),
                sc.getMaskedPathsCount() > 0 ? sc.getMaskedPathsList() : null,
                sc.getReadonlyPathsCount() > 0 ? sc.getReadonlyPathsList() : null, oomScoreAdj, List.of());
    }

    private static Long imageGroup(ImageRecord image) {
        String u = image.config().user();
        if (!u.contains(":")) {
            return null;
        }
        String g = u.substring(u.indexOf(':') + 1);
        return !g.isEmpty() && g.chars().allMatch(Character::isDigit) ? Long.parseLong(g) : null;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
