package io.jcri.server.container;

import io.jcri.runtime.ContainerRuntime;
import io.jcri.runtime.ContainerState;
import io.jcri.runtime.ContainerStatus;
import io.jcri.server.events.ContainerEvents;
import io.jcri.server.store.Container;
import io.jcri.server.store.ContainerStore;
import io.jcri.server.store.Sandbox;
import io.jcri.server.store.SandboxState;
import io.jcri.server.store.SandboxStore;
import java.util.HashSet;
import java.util.Set;
import java.util.logging.Logger;

/**
 * After a daemon restart (the runtime has recovered its containers): reconciles the CRI records with what the
 * runtime found, like containerd's restart.go.
 * <ul>
 * <li>running containers: their exits are watched again, so STOPPED events and exit codes keep coming, and their
 *     stdout/stderr (FIFOs the runtime reopens) are copied to their logs again, with what they wrote meanwhile
 *     (up to a pipe buffer); ReopenContainerLog works for them again;</li>
 * <li>runtime containers without a CRI record (the daemon died between the runtime's create and the record):
 *     deleted, or their cgroup and writable layer would leak;</li>
 * <li>CRI containers the runtime does not know (its state dir lives under /run: a reboot) stay listed as
 *     CONTAINER_UNKNOWN until kubelet removes them;</li>
 * <li>ready sandboxes whose pinned namespaces are gone (a reboot) are marked NOTREADY, so kubelet recreates them.</li>
 * </ul>
 */
public final class RestartRecovery {
    private static final Logger LOG = Logger.getLogger(RestartRecovery.class.getName());

    private final SandboxStore sandboxes;
    private final ContainerStore containers;
    private final ContainerRuntime runtime;
    private final ContainerEvents events;
    private final ContainerLogs logs;

    public RestartRecovery(SandboxStore sandboxes, ContainerStore containers, ContainerRuntime runtime,
                           ContainerEvents events, ContainerLogs logs) {
        this.sandboxes = sandboxes;
        this.containers = containers;
        this.runtime = runtime;
        this.events = events;
        this.logs = logs;
    }

    public void run() {
        Set<String> known = new HashSet<>();
        int running = 0;
        for (Container c : containers.all()) {
            known.add(c.id());
            var state = ContainerStatusRpc.stateOf(runtime, c);
            if (state.isEmpty()) {
                LOG.warning("container " + c.id() + " (" + c.fullName() + ") is unknown to the runtime (was the node"
                        + " rebooted?); it is reported CONTAINER_UNKNOWN until removed");
            } else if (state.get().status() == ContainerStatus.RUNNING) {
                events.watchExit(c);
                reattachLog(c);
                running++;
            }
        }
        for (ContainerState orphan : runtime.list()) {
            if (!known.contains(orphan.id())) {
                LOG.warning("runtime container " + orphan.id() + " has no CRI record (the daemon stopped while"
                        + " creating it); deleting it");
                try {
                    runtime.delete(orphan.id());
                } catch (RuntimeException e) {
                    LOG.warning("cannot delete orphan container " + orphan.id() + ": " + e);
                }
            }
        }
        for (Sandbox s : sandboxes.all()) {
            if (s.state() == SandboxState.READY && runtime.podNamespaces(s.id()) == null) {
                LOG.warning("sandbox " + s.id() + " (" + s.fullName() + ") lost its namespaces; marking it NOTREADY");
                sandboxes.update(s, SandboxState.NOTREADY, s.ips());
            }
        }
        LOG.info("restart recovery: " + running + " running containers watched again");
    }

    private void reattachLog(Container c) {
        try {
            logs.attach(c, runtime.reattachOutput(c.id()));
        } catch (RuntimeException e) {
            LOG.warning("container " + c.id() + ": its output cannot be logged again after the restart: " + e);
        }
    }
}
