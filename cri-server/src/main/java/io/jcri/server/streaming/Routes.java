package io.jcri.server.streaming;

import io.jcri.cri.v1.AttachRequest;
import io.jcri.cri.v1.ExecRequest;
import io.jcri.cri.v1.PortForwardRequest;
import io.jcri.image.manifest.ImageConfig;
import io.jcri.runtime.PodNamespaces;
import io.jcri.runtime.ProcessSpec;
import io.jcri.server.container.ImageConfigMerge;
import io.jcri.server.store.Container;
import io.jcri.server.store.Sandbox;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/** Turns a consumed token's request into the session that serves it. */
final class Routes {
    final TokenCache tokens;
    final StreamingBackend backend;
    final EventLoopGroup group;
    final ExecutorService executor;
    final long creationTimeoutSeconds;

    Routes(TokenCache tokens, StreamingBackend backend, EventLoopGroup group, ExecutorService executor,
           long creationTimeoutSeconds) {
        this.tokens = tokens;
        this.backend = backend;
        this.group = group;
        this.executor = executor;
        this.creationTimeoutSeconds = creationTimeoutSeconds;
    }

    /** The request for {@code kind} ("exec", "attach", "portforward") under the token, consuming it. */
    Optional<Object> consume(String kind, String token) {
        Optional<Object> r = tokens.consume(token);
        boolean matches = r.map(o -> switch (kind) {
            case "exec" -> o instanceof ExecRequest;
            case "attach" -> o instanceof AttachRequest;
            case "portforward" -> o instanceof PortForwardRequest;
            default -> false;
        }).orElse(false);
        return matches ? r : Optional.empty();
    }

    static StreamOptions options(Object request) {
        if (request instanceof ExecRequest e) {
            return new StreamOptions(e.getStdin(), e.getStdout(), e.getStderr(), e.getTty());
        }
        AttachRequest a = (AttachRequest) request;
        return new StreamOptions(a.getStdin(), a.getStdout(), a.getStderr(), a.getTty());
    }

    CommandSession session(Object request) {
        StreamOptions options = options(request);
        if (request instanceof ExecRequest e) {
            Container c = backend.containers().get(e.getContainerId());
            ImageConfig image = backend.images().status(c.imageId()).map(i -> i.config())
                    .orElse(new ImageConfig(null, null, null, null, null, null, null, null, null, null, null, null,
                            null));
            ProcessSpec spec = new ProcessSpec(e.getCmdList(), ImageConfigMerge.env(c.config(), image, null),
                    ImageConfigMerge.workingDir(c.config(), image), options.tty(), options.stdin(), false, null,
                    null);
            return new ExecSession(backend.runtime(), c.id(), spec, options, executor);
        }
        AttachRequest a = (AttachRequest) request;
        Container c = backend.containers().get(a.getContainerId());
        return new AttachSession(backend.runtime(), backend.logs(), c, options, executor);
    }

    SpdyPortForward portForward(PortForwardRequest request) {
        Sandbox sandbox = backend.sandboxes().get(request.getPodSandboxId());
        Path netns = null;
        if (!sandbox.hostNetwork()) {
            PodNamespaces ns = backend.runtime().podNamespaces(sandbox.id());
            if (ns == null || ns.net() == null) {
                throw new IllegalStateException("pod " + sandbox.id() + " has no network namespace");
            }
            netns = ns.net();
        }
        return new SpdyPortForward(sandbox.id(), netns, executor, creationTimeoutSeconds);
    }
}
