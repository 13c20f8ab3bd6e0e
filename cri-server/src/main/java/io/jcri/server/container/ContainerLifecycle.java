package io.jcri.server.container;

import io.jcri.cri.v1.Signal;
import io.jcri.runtime.ContainerRuntime;
import io.jcri.runtime.ContainerState;
import io.jcri.server.store.Container;
import io.jcri.server.store.ContainerStore;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Logger;

/** Stopping and removing containers: shared by the container RPCs and by sandbox stop and remove. */
public final class ContainerLifecycle {
    private static final Logger LOG = Logger.getLogger(ContainerLifecycle.class.getName());

    private final ContainerStore containers;
    private final ContainerRuntime runtime;
    private final ContainerLogs logs;
    private final StopSignals stopSignals;

    public ContainerLifecycle(ContainerStore containers, ContainerRuntime runtime, ContainerLogs logs,
                              StopSignals stopSignals) {
        this.containers = containers;
        this.runtime = runtime;
        this.logs = logs;
        this.stopSignals = stopSignals;
    }

    /** The container's process state, if the runtime still knows it. */
    public Optional<ContainerState> state(Container container) {
        try {
            return Optional.of(runtime.state(container.id()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Sends the stop signal, SIGKILL after {@code timeout}; returns once the container exited. Idempotent. */
    public void stop(Container container, Duration timeout) {
        if (state(container).isEmpty()) {
            return;
        }
        runtime.stop(container.id(), timeout, stopSignals.signalFor(container));
    }

    /** Stops (at once) if running, then removes the runtime's container, its record and its log handle. */
    public void remove(Container container) {
        if (state(container).isPresent()) {
            runtime.delete(container.id());
        }
        logs.close(container.id());
        containers.remove(container);
        LOG.fine("removed container " + container.id());
    }

    /** The CRI signal enum as a number; 0 means "the runtime's default". */
    static int signalNumber(Signal s) {
        return s == Signal.RUNTIME_DEFAULT || s == Signal.UNRECOGNIZED ? 0 : StopSignals.number(s.name());
    }
}
