package io.jcri.server.streaming;

import io.jcri.runtime.ContainerRuntime;
import io.jcri.runtime.ExecProcess;
import io.jcri.runtime.ProcessSpec;
import io.jcri.runtime.sys.Native;
import io.jcri.runtime.sys.Sc;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * CRI Exec over a streaming connection: a new process in the container, its output pumped to the client (a
 * slow client slows only this process, through TCP backpressure), the client's stdin and resizes passed in,
 * the exit code reported on the error stream. If the client goes away first the process is killed.
 */
final class ExecSession implements CommandSession {
    private static final Logger LOG = Logger.getLogger(ExecSession.class.getName());
    /** After the exit, how long output still draining (a background child holding the pipe) is waited for. */
    private static final long DRAIN_GRACE_MILLIS = 2000;

    private final ContainerRuntime runtime;
    private final String containerId;
    private final ProcessSpec spec;
    private final StreamOptions options;
    private final ExecutorService executor;
    private final PendingInput input = new PendingInput();
    private volatile ExecProcess process;
    private volatile boolean gone;
    private volatile boolean done;

    ExecSession(ContainerRuntime runtime, String containerId, ProcessSpec spec, StreamOptions options,
                ExecutorService executor) {
        this.runtime = runtime;
        this.containerId = containerId;
        this.spec = spec;
        this.options = options;
        this.executor = executor;
    }

    @Override
    public void start(CommandOutput out) {
        ExecProcess p;
        try {
            p = runtime.exec(containerId, spec);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "exec in " + containerId + " failed", e);
            out.end(ExitStatus.error("exec in container " + containerId + " failed: " + e.getMessage()));
            return;
        }
        process = p;
        if (gone) {
            kill(p);
        }
        StdinWriter stdin = null;
        if (options.stdin()) {
            stdin = new StdinWriter(p.io().stdin(), true, out.channel(), executor);
        } else if (p.io().stdin() != null && !options.tty()) {
            closeQuietly(p.io().stdin());
        }
        input.connect(stdin, p::resize);
        CompletableFuture<Void> stdout = pump(p.io().stdout(), options.stdout() ? out : null, CommandOutput.STDOUT);
        CompletableFuture<Void> stderr = pump(p.io().stderr(), options.stderr() ? out : null, CommandOutput.STDERR);
        executor.execute(() -> finish(p, out, stdout, stderr));
    }

    private void finish(ExecProcess p, CommandOutput out, CompletableFuture<Void> stdout,
                        CompletableFuture<Void> stderr) {
        int code = p.exitCode().join();
        try {
            CompletableFuture.allOf(stdout, stderr).get(DRAIN_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.fine("exec in " + containerId + ": output still open " + DRAIN_GRACE_MILLIS
                    + " ms after the exit; ending the session");
        }
        done = true;
        try {
            p.io().close();
        } catch (IOException ignored) {
            // closing our ends
        }
        out.finish(CommandOutput.STDOUT);
        out.finish(CommandOutput.STDERR);
        out.end(ExitStatus.exited(code, spec.args()));
    }

    private CompletableFuture<Void> pump(InputStream in, CommandOutput out, int stream) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (in == null) {
            f.complete(null);
            return f;
        }
        executor.execute(() -> {
            byte[] buf = new byte[32 * 1024];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (out != null && !gone) {
                        ChannelFuture w = out.write(stream, Unpooled.copiedBuffer(buf, 0, n));
                        if (!out.channel().isWritable()) {
                            w.awaitUninterruptibly(); // backpressure: the process waits for the client
                        }
                    }
                }
            } catch (IOException e) {
                // our end was closed, or EIO when the pty's last slave closed
            } finally {
                if (out != null) {
                    out.finish(stream);
                }
                f.complete(null);
            }
        });
        return f;
    }

    @Override
    public void stdin(ByteBuf data) {
        input.stdin(data);
    }

    @Override
    public void stdinEnd() {
        input.stdinEnd();
    }

    @Override
    public void resize(int columns, int rows) {
        input.resize(columns, rows);
    }

    @Override
    public void clientGone() {
        gone = true;
        input.cancel();
        ExecProcess p = process;
        if (p != null && !done) {
            kill(p);
        }
    }

    private void kill(ExecProcess p) {
        if (p.exitCode().isDone()) {
            return;
        }
        LOG.fine("streaming client of exec " + p.pid() + " in " + containerId + " went away; killing it");
        Native.C.kill((int) -p.pid(), Sc.SIGKILL); // its process group, when it leads one (tty)
        p.kill(Sc.SIGKILL);
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
