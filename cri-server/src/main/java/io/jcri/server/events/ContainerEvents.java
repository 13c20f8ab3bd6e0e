package io.jcri.server.events;

import io.jcri.cri.v1.ContainerEventResponse;
import io.jcri.cri.v1.ContainerEventType;
import io.jcri.cri.v1.PodSandboxStatus;
import io.jcri.runtime.ContainerRuntime;
import io.jcri.server.container.ContainerStatusRpc;
import io.jcri.server.metrics.ContainerMetrics;
import io.jcri.server.sandbox.PodSandboxStatusRpc;
import io.jcri.server.store.Container;
import io.jcri.server.store.ContainerStore;
import io.jcri.server.store.Sandbox;
import io.jcri.server.store.SandboxStore;
import java.util.Comparator;
import java.util.NoSuchElementException;
import java.util.logging.Logger;

/**
 * The lifecycle events kubelet's evented PLEG consumes, built as containerd builds them: the container (or, for
 * the sandbox's own events, the sandbox) id, the event type, the time, the pod sandbox's status and the statuses
 * of the pod's containers at that moment. The lifecycle paths call these methods; a container's STOPPED event
 * comes from the runtime's exit notification, so it is sent whoever stopped it (StopContainer, StopPodSandbox, or
 * the process exiting by itself).
 */
public final class ContainerEvents {
    private static final Logger LOG = Logger.getLogger(ContainerEvents.class.getName());

    private final ContainerEventHub hub;
    private final SandboxStore sandboxes;
    private final ContainerStore containers;
    private final ContainerRuntime runtime;

    public ContainerEvents(ContainerEventHub hub, SandboxStore sandboxes, ContainerStore containers,
                           ContainerRuntime runtime) {
        this.hub = hub;
        this.sandboxes = sandboxes;
        this.containers = containers;
        this.runtime = runtime;
    }

    public void containerCreated(Container c) {
        publish(c.id(), c.sandboxId(), ContainerEventType.CONTAINER_CREATED_EVENT);
    }

    /** STARTED now, and STOPPED once the process exits (from the runtime's one exit watcher). */
    public void containerStarted(Container c) {
        publish(c.id(), c.sandboxId(), ContainerEventType.CONTAINER_STARTED_EVENT);
        watchExit(c);
    }

    /** After a daemon restart: the running containers' exits are announced like any other. */
    public void watchExit(Container c) {
        try {
            runtime.exited(c.id()).thenAccept(state -> {
                ContainerMetrics.exited(state.reason(), state.oomKilled());
                try {
                    publish(c.id(), c.sandboxId(), ContainerEventType.CONTAINER_STOPPED_EVENT);
                } catch (RuntimeException e) {
                    LOG.warning("container events: cannot announce the exit of " + c.id() + ": " + e);
                }
            });
        } catch (NoSuchElementException e) {
            LOG.fine("container events: " + c.id() + " is unknown to the runtime; no exit to watch");
        }
    }

    /** After the container was removed from the store. */
    public void containerDeleted(Container c) {
        publish(c.id(), c.sandboxId(), ContainerEventType.CONTAINER_DELETED_EVENT);
    }

    /** A sandbox's own events carry its id as container_id, as containerd sends them. */
    public void sandbox(Sandbox s, ContainerEventType type) {
        if (hub.subscriberCount() == 0) {
            return; // nobody listens: the statuses an event carries are not worth building (a subscriber that
                    // comes later relists first, as kubelet does)
        }
        hub.publish(event(s.id(), type, PodSandboxStatusRpc.toStatus(s), s.id()));
    }

    private void publish(String containerId, String sandboxId, ContainerEventType type) {
        if (hub.subscriberCount() == 0) {
            return; // as in sandbox(): no event is built for nobody
        }
        PodSandboxStatus pod = sandboxes.find(sandboxId).map(PodSandboxStatusRpc::toStatus)
                .orElseGet(() -> PodSandboxStatus.newBuilder().setId(sandboxId).build());
        hub.publish(event(containerId, type, pod, sandboxId));
    }

    private ContainerEventResponse event(String id, ContainerEventType type, PodSandboxStatus pod, String sandboxId) {
        ContainerEventResponse.Builder b = ContainerEventResponse.newBuilder()
                .setContainerId(id)
                .setContainerEventType(type)
                .setCreatedAt(nowNanos())
                .setPodSandboxStatus(pod);
        containers.inSandbox(sandboxId).stream()
                .sorted(Comparator.comparingLong(Container::createdAtNanos))
                .forEach(c -> b.addContainersStatuses(ContainerStatusRpc.toStatus(c,
                        ContainerStatusRpc.stateOf(runtime, c))));
        return b.build();
    }

    private static long nowNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
