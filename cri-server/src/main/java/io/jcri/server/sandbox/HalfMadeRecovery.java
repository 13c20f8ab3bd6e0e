package io.jcri.server.sandbox;

import io.jcri.runtime.ContainerRuntime;
import io.jcri.runtime.ContainerState;
import io.jcri.server.network.PodNetwork;
import io.jcri.server.store.ContainerStore;
import io.jcri.server.store.Sandbox;
import io.jcri.server.store.SandboxState;
import io.jcri.server.store.SandboxStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Start-up undo of what a daemon killed in the middle of RunPodSandbox or CreateContainer left. Both RPCs write
 * their CRI record last (after namespaces, the CNI ADD and the runtime's container), so the steps already made on
 * disk are the journal: a CNI cache entry, pinned pod namespaces, a pod files dir or a runtime container without a
 * record belong to a call no client got an id for, and are undone here (CNI DEL first, while the netns still
 * exists, so the IP lease and the veth go too). A READY record without its network (a cache lost with the state
 * dir) is marked NOTREADY, so kubelet makes a new sandbox instead of using one without a network.
 */
public final class HalfMadeRecovery {
    private static final Logger LOG = Logger.getLogger(HalfMadeRecovery.class.getName());

    private HalfMadeRecovery() {
    }

    public static void run(SandboxStore sandboxes, ContainerStore containers, ContainerRuntime runtime,
                           List<ContainerState> runtimeContainers, PodNetwork network, Path podNamespacesDir,
                           Path sandboxFilesDir) {
        Set<String> known = sandboxes.all().stream().map(Sandbox::id).collect(Collectors.toCollection(
                java.util.HashSet::new));
        int undone = 0;
        for (ContainerState c : runtimeContainers) {
            boolean recorded = containers.find(c.id()).filter(x -> x.id().equals(c.id())).isPresent();
            // only a container that never started: a running one without a record is left alone (and logged)
            if (!recorded && c.status() == io.jcri.runtime.ContainerStatus.CREATED) {
                undone += attempt("container " + c.id() + " of a CreateContainer that did not finish",
                        () -> runtime.delete(c.id()));
            } else if (!recorded) {
                LOG.warning("recovery: container " + c.id() + " is known to the runtime but has no CRI record; left"
                        + " as it is");
                known.add(c.podId());
            }
        }
        for (String id : network.cachedSandboxIds()) {
            if (!known.contains(id)) {
                undone += attempt("the CNI network of sandbox " + id + " (RunPodSandbox did not finish)",
                        () -> network.detach(id));
            }
        }
        for (String id : subdirectories(podNamespacesDir)) {
            if (!known.contains(id)) {
                undone += attempt("the pinned namespaces of sandbox " + id + " (RunPodSandbox did not finish)",
                        () -> runtime.removePodNamespaces(id));
            }
        }
        for (String id : subdirectories(sandboxFilesDir)) {
            if (!known.contains(id)) {
                undone += attempt("the files of sandbox " + id + " (RunPodSandbox did not finish)",
                        () -> SandboxDirs.delete(sandboxFilesDir.resolve(id)));
            }
        }
        for (Sandbox s : sandboxes.all()) {
            boolean hostNetwork = s.config().getLinux().getSecurityContext().getNamespaceOptions().getNetwork()
                    == io.jcri.cri.v1.NamespaceMode.NODE;
            if (s.state() == SandboxState.READY && !hostNetwork && network.cachedResult(s.id()).isEmpty()) {
                LOG.warning("sandbox " + s.id() + " was READY without a network (no CNI result): marked NOTREADY");
                sandboxes.update(s, SandboxState.NOTREADY, List.of());
                undone++;
            }
        }
        if (undone > 0) {
            LOG.info("recovery: undid " + undone + " half-made sandbox and container steps");
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static int attempt(String what, Step step) {
        try {
            step.run();
            LOG.info("recovery: removed " + what);
            return 1;
        } catch (Exception e) {
            LOG.warning("recovery: cannot remove " + what + ": " + e.getMessage());
            return 0;
        }
    }

    private static List<String> subdirectories(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("[0-9a-f]{64}")).toList();
        } catch (IOException e) {
            LOG.warning("recovery: cannot list " + dir + ": " + e.getMessage());
            return List.of();
        }
    }
}
