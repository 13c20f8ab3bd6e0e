package io.jcri.server.container;

import io.jcri.cri.v1.Signal;
import io.jcri.runtime.ContainerRuntime;
import io.jcri.runtime.ContainerState;
import io.jcri.server.events.ContainerEvents;
import io.jcri.server.store.Container;
import io.jcri.server.store.ContainerStore;
import io.jcri.runtime.ContainerStatus;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.Optional;
import java.util.logging.Logger;

/** Stopping and removing containers: shared by the container RPCs and by sandbox stop and remove. */
public final class ContainerLifecycle {
    private static final Logger LOG = Logger.getLogger(ContainerLifecycle.class.getName());
    private static final int SIGKILL = 9;

    private final ContainerStore containers;
    private final ContainerRuntime runtime;
    private final ContainerLogs logs;
    private final StopSignals stopSignals;
    private final ContainerEvents events;

    public ContainerLifecycle(ContainerStore containers, ContainerRuntime runtime, ContainerLogs logs,
                              StopSignals stopSignals, ContainerEvents events) {
        this.containers = containers;
        this.runtime = runtime;
        this.logs = logs;
        this.stopSignals = stopSignals;
        this.events = events;
    }

    /** The container's process state, if the runtime still knows it. */
    public Optional<ContainerState> state(Container container) {
        try {
            return Optional.of(runtime.state(container.id()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Sends the stop signal, SIGKILL after {@code timeout}; a zero timeout is SIGKILL at once, as containerd does
     * (exit code 137, not the stop signal's). Returns once the container exited. Idempotent.
     */
    public void stop(Container container, Duration timeout) {
        if (state(container).isEmpty()) {
            return;
        }
        int signal = timeout.isZero() ? SIGKILL : stopSignals.signalFor(container);
        runtime.stop(container.id(), timeout, signal);
    }

    /** Stops (at once) if running, then removes the runtime's container, its record and its log handle. */
    public void remove(Container container) {
        Optional<ContainerState> state = state(container);
        CompletableFuture<?> exited = null;
        if (state.isPresent()) {
            if (state.get().status() != ContainerStatus.CREATED) {
                // completes at once for an exited container, running its STOPPED event if still pending
                exited = runtime.exited(container.id()).exceptionally(e -> null);
            }
            runtime.delete(container.id());
        }
        logs.close(container.id());
        containers.remove(container);
        if (exited != null) {
            // let the STOPPED event (sent from the runtime's exit callback) go out before DELETED
            try {
                exited.get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.fine("exit of " + container.id() + " not seen before its removal: " + e);
            }
        }
        events.containerDeleted(container);
        LOG.fine("removed container " + container.id());
    }

    /** The CRI signal enum as a number; 0 means "the runtime's default". */
    static int signalNumber(Signal s) {
        return s == Signal.RUNTIME_DEFAULT || s == Signal.UNRECOGNIZED ? 0 : StopSignals.number(s.name());
    }
}
