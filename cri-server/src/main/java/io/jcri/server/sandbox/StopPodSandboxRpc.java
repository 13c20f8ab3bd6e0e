package io.jcri.server.sandbox;

import io.jcri.cri.v1.StopPodSandboxRequest;
import io.jcri.cri.v1.StopPodSandboxResponse;
import io.jcri.runtime.ContainerRuntime;
import io.jcri.server.container.ContainerLifecycle;
import io.jcri.cri.v1.ContainerEventType;
import io.jcri.server.events.ContainerEvents;
import io.jcri.server.network.PodNetwork;
import io.jcri.server.store.Container;
import io.jcri.server.store.ContainerStore;
import io.jcri.server.store.Sandbox;
import io.jcri.server.store.SandboxState;
import io.jcri.server.store.SandboxStore;
import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;

/**
 * {@code StopPodSandbox}: stops every container of the pod, tears down its network and releases its pinned
 * namespaces. Idempotent, and a sandbox that no longer exists is not an error (kubelet retries stops).
 */
public final class StopPodSandboxRpc {
    private static final Logger LOG = Logger.getLogger(StopPodSandboxRpc.class.getName());

    private final SandboxStore sandboxes;
    private final ContainerStore containers;
    private final ContainerLifecycle lifecycle;
    private final ContainerRuntime runtime;
    private final PodNetwork network;
    private final ContainerEvents events;

    public StopPodSandboxRpc(SandboxStore sandboxes, ContainerStore containers, ContainerLifecycle lifecycle,
                             ContainerRuntime runtime, PodNetwork network, ContainerEvents events) {
        this.sandboxes = sandboxes;
        this.containers = containers;
        this.lifecycle = lifecycle;
        this.runtime = runtime;
        this.network = network;
        this.events = events;
    }

    public StopPodSandboxResponse stop(StopPodSandboxRequest request) {
        var found = sandboxes.find(request.getPodSandboxId());
        if (found.isPresent()) {
            stop(found.get());
        } else if (request.getPodSandboxId().isEmpty()) {
            throw io.jcri.server.grpc.CriException.invalidArgument("pod_sandbox_id is empty");
        }
        return StopPodSandboxResponse.getDefaultInstance();
    }

    void stop(Sandbox sandbox) {
        synchronized (sandbox) {
            for (Container c : containers.inSandbox(sandbox.id())) {
                lifecycle.stop(c, Duration.ZERO);
            }
            network.detach(sandbox.id());
            runtime.removePodNamespaces(sandbox.id());
            if (sandbox.state() != SandboxState.NOTREADY) {
                sandboxes.update(sandbox, SandboxState.NOTREADY, sandbox.ips());
                LOG.info("sandbox " + sandbox.id() + " stopped");
                events.sandbox(sandbox, ContainerEventType.CONTAINER_STOPPED_EVENT);
            }
        }
    }

    /** For RemovePodSandbox: the containers that belong to the sandbox. */
    List<Container> containersOf(Sandbox sandbox) {
        return containers.inSandbox(sandbox.id());
    }
}
