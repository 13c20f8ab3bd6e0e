package io.jcri.server.sandbox;

import io.jcri.cri.v1.StopPodSandboxRequest;
import io.jcri.cri.v1.StopPodSandboxResponse;
import io.jcri.runtime.ContainerRuntime;
import io.jcri.server.container.ContainerLifecycle;
import io.jcri.cri.v1.ContainerEventType;
import io.jcri.runtime.Phases;
import io.jcri.server.events.ContainerEvents;
import io.jcri.server.metrics.ContainerMetrics;
import io.jcri.server.network.PodNetwork;
import io.jcri.server.store.Container;
import io.jcri.server.store.ContainerStore;
import io.jcri.server.store.Sandbox;
import io.jcri.server.store.SandboxState;
import io.jcri.server.store.SandboxStore;
import io.jcri.server.store.DiskWrites;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
        Phases phases = new Phases();
        synchronized (sandbox) {
            phases.mark("lock");
            for (Container c : containers.inSandbox(sandbox.id())) {
                lifecycle.stop(c, Duration.ZERO);
            }
            phases.mark("containers");
            // NOTREADY is written beside the CNI DEL instead of after it (its fsync, ~4 ms, off the RPC's path), as
            // containerd's sandbox is NOTREADY once its pause container is gone, before the network's teardown. A
            // DEL that fails keeps its cache entry: the next StopPodSandbox or RemovePodSandbox runs it again.
            boolean stopping = sandbox.state() != SandboxState.NOTREADY;
            CompletableFuture<Void> record = stopping
                    ? DiskWrites.run(() -> sandboxes.update(sandbox, SandboxState.NOTREADY, sandbox.ips()))
                    : CompletableFuture.completedFuture(null);
            try {
                network.detach(sandbox.id(), phases);
                phases.mark("network");
                runtime.removePodNamespaces(sandbox.id());
                phases.mark("namespaces");
            } finally {
                // even when the teardown failed: no write of this call may still run when the next one starts
                awaitRecord(record);
            }
            if (stopping) {
                phases.mark("record");
                LOG.info("sandbox " + sandbox.id() + " stopped");
                events.sandbox(sandbox, ContainerEventType.CONTAINER_STOPPED_EVENT);
                phases.mark("events");
            }
        }
        ContainerMetrics.observe(ContainerMetrics.SANDBOX_STOP_PHASES, phases);
        if (LOG.isLoggable(java.util.logging.Level.FINE)) {
            LOG.fine("stopped sandbox " + sandbox.id() + ": " + phases.summary());
        }
    }

    private static void awaitRecord(CompletableFuture<Void> record) {
        try {
            record.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** For RemovePodSandbox: the containers that belong to the sandbox. */
    List<Container> containersOf(Sandbox sandbox) {
        return containers.inSandbox(sandbox.id());
    }
}
