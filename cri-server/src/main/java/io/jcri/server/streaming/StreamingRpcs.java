package io.jcri.server.streaming;

import io.jcri.cri.v1.AttachRequest;
import io.jcri.cri.v1.AttachResponse;
import io.jcri.cri.v1.ExecRequest;
import io.jcri.cri.v1.ExecResponse;
import io.jcri.cri.v1.PortForwardRequest;
import io.jcri.cri.v1.PortForwardResponse;
import io.jcri.runtime.ContainerStatus;
import io.jcri.server.grpc.CriException;
import io.jcri.server.store.Container;
import io.jcri.server.store.Sandbox;
import io.jcri.server.store.SandboxState;

/**
 * {@code Exec}, {@code Attach} and {@code PortForward}: validate, then return a single-use URL on the
 * streaming server; the work happens when the client connects to it.
 */
public final class StreamingRpcs {
    private final StreamingServer server;
    private final StreamingBackend backend;

    public StreamingRpcs(StreamingServer server, StreamingBackend backend) {
        this.server = server;
        this.backend = backend;
    }

    public ExecResponse exec(ExecRequest request) {
        if (request.getCmdCount() == 0) {
            throw CriException.invalidArgument("Exec: cmd is empty");
        }
        checkStreams("Exec", request.getStdin(), request.getStdout(), request.getStderr(), request.getTty());
        Container c = runningContainer("Exec", request.getContainerId());
        ExecRequest resolved = request.toBuilder().setContainerId(c.id()).build();
        return ExecResponse.newBuilder().setUrl(server.url("exec", resolved)).build();
    }

    public AttachResponse attach(AttachRequest request) {
        checkStreams("Attach", request.getStdin(), request.getStdout(), request.getStderr(), request.getTty());
        Container c = runningContainer("Attach", request.getContainerId());
        if (request.getStdin() && !c.config().getStdin()) {
            throw CriException.failedPrecondition("Attach: container " + c.id() + " was not created with stdin");
        }
        if (request.getTty() != c.config().getTty()) {
            throw CriException.invalidArgument("Attach: tty=" + request.getTty() + " but container " + c.id()
                    + " was created with tty=" + c.config().getTty());
        }
        AttachRequest resolved = request.toBuilder().setContainerId(c.id()).build();
        return AttachResponse.newBuilder().setUrl(server.url("attach", resolved)).build();
    }

    public PortForwardResponse portForward(PortForwardRequest request) {
        if (request.getPodSandboxId().isEmpty()) {
            throw CriException.invalidArgument("PortForward: pod_sandbox_id is empty");
        }
        Sandbox s = backend.sandboxes().get(request.getPodSandboxId());
        if (s.state() != SandboxState.READY) {
            throw CriException.failedPrecondition("PortForward: pod sandbox " + s.id() + " is not ready");
        }
        for (int port : request.getPortList()) {
            if (port < 1 || port > 65535) {
                throw CriException.invalidArgument("PortForward: port " + port + " is out of range 1-65535");
            }
        }
        PortForwardRequest resolved = request.toBuilder().setPodSandboxId(s.id()).build();
        return PortForwardResponse.newBuilder().setUrl(server.url("portforward", resolved)).build();
    }

    private static void checkStreams(String rpc, boolean stdin, boolean stdout, boolean stderr, boolean tty) {
        if (tty && stderr) {
            throw CriException.invalidArgument(rpc + ": tty and stderr cannot both be true (a tty has one output)");
        }
        if (!stdin && !stdout && !stderr) {
            throw CriException.invalidArgument(rpc + ": one of stdin, stdout and stderr must be set");
        }
    }

    private Container runningContainer(String rpc, String id) {
        if (id.isEmpty()) {
            throw CriException.invalidArgument(rpc + ": container_id is empty");
        }
        Container c = backend.containers().get(id);
        if (backend.runtime().state(c.id()).status() != ContainerStatus.RUNNING) {
            throw CriException.failedPrecondition(rpc + ": container " + c.id() + " is not running");
        }
        return c;
    }
}
