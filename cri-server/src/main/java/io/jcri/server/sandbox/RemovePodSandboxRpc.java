package io.jcri.server.sandbox;

import io.jcri.cri.v1.RemovePodSandboxRequest;
import io.jcri.cri.v1.RemovePodSandboxResponse;
import io.jcri.server.container.ContainerLifecycle;
import io.jcri.cri.v1.ContainerEventType;
import io.jcri.server.events.ContainerEvents;
import io.jcri.server.grpc.CriException;
import io.jcri.server.store.Container;
import io.jcri.server.store.Sandbox;
import io.jcri.server.store.SandboxStore;
import java.util.logging.Logger;

/** {@code RemovePodSandbox}: stops it if needed, removes its containers and everything it held. Idempotent. */
public final class RemovePodSandboxRpc {
    private static final Logger LOG = Logger.getLogger(RemovePodSandboxRpc.class.getName());

    private final SandboxStore sandboxes;
    private final StopPodSandboxRpc stopper;
    private final ContainerLifecycle lifecycle;
    private final ContainerEvents events;

    public RemovePodSandboxRpc(SandboxStore sandboxes, StopPodSandboxRpc stopper, ContainerLifecycle lifecycle,
                               ContainerEvents events) {
        this.sandboxes = sandboxes;
        this.stopper = stopper;
        this.lifecycle = lifecycle;
        this.events = events;
    }

    public RemovePodSandboxResponse remove(RemovePodSandboxRequest request) {
        if (request.getPodSandboxId().isEmpty()) {
            throw CriException.invalidArgument("pod_sandbox_id is empty");
        }
        var found = sandboxes.find(request.getPodSandboxId());
        if (found.isEmpty()) {
            return RemovePodSandboxResponse.getDefaultInstance();
        }
        Sandbox sandbox = found.get();
        synchronized (sandbox) {
            stopper.stop(sandbox);
            for (Container c : stopper.containersOf(sandbox)) {
                lifecycle.remove(c);
            }
            SandboxDirs.delete(sandbox.dir());
            sandboxes.remove(sandbox);
            events.sandbox(sandbox, ContainerEventType.CONTAINER_DELETED_EVENT);
        }
        LOG.info("sandbox " + sandbox.id() + " (" + sandbox.fullName() + ") removed");
        return RemovePodSandboxResponse.getDefaultInstance();
    }
}
