package io.jcri.server.streaming;

import io.jcri.runtime.ContainerRuntime;
import io.jcri.runtime.ContainerStatus;
import io.jcri.runtime.sys.Native;
import io.jcri.runtime.sys.Sc;
import io.jcri.server.container.ContainerLogs;
import io.jcri.server.logs.LogStream;
import io.jcri.server.logs.OutputFanout;
import io.jcri.server.store.Container;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.OutputStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * CRI Attach: the client gets the container's own output as it is produced (the log file keeps getting it
 * too) and, if the container was created with stdin, writes into its stdin. Output is handed over without
 * ever waiting for the client: a client that falls more than {@link #MAX_BEHIND} bytes behind is
 * disconnected, so the container and its log never wait. The container keeps running when the client leaves.
 */
final class AttachSession implements CommandSession, OutputFanout.Listener {
    private static final Logger LOG = Logger.getLogger(AttachSession.class.getName());
    static final long MAX_BEHIND = 8L << 20;

    private final ContainerRuntime runtime;
    private final ContainerLogs logs;
    private final Container container;
    private final StreamOptions options;
    private final ExecutorService executor;
    private final PendingInput input = new PendingInput();
    private final AtomicLong behind = new AtomicLong();
    private volatile CommandOutput out;

    AttachSession(ContainerRuntime runtime, ContainerLogs logs, Container container, StreamOptions options,
                  ExecutorService executor) {
        this.runtime = runtime;
        this.logs = logs;
        this.container = container;
        this.options = options;
        this.executor = executor;
    }

    @Override
    public void start(CommandOutput out) {
        this.out = out;
        String id = container.id();
        if (runtime.state(id).status() != ContainerStatus.RUNNING) {
            out.end(ExitStatus.error("container " + id + " is not running"));
            return;
        }
        if (!logs.output().subscribe(id, this)) {
            out.end(ExitStatus.error("container " + id + " has no attachable output (it exited, or it was started"
                    + " by an earlier daemon)"));
            return;
        }
        StdinWriter stdin = null;
        if (options.stdin()) {
            OutputStream target = logs.stdin(id).orElse(null);
            stdin = new StdinWriter(target, container.config().getStdinOnce(), out.channel(), executor);
        }
        input.connect(stdin, this::resizeTty);
    }

    @Override
    public void output(LogStream stream, byte[] b, int off, int len) {
        CommandOutput o = out;
        boolean wanted = stream == LogStream.STDOUT ? options.stdout() : options.stderr();
        if (o == null || !wanted || !o.channel().isActive()) {
            return;
        }
        if (behind.addAndGet(len) > MAX_BEHIND) {
            LOG.info("attach client of container " + container.id() + " fell more than " + MAX_BEHIND
                    + " bytes behind; disconnecting it");
            o.channel().close();
            return;
        }
        o.write(stream == LogStream.STDOUT ? CommandOutput.STDOUT : CommandOutput.STDERR,
                Unpooled.copiedBuffer(b, off, len)).addListener(f -> behind.addAndGet(-len));
    }

    @Override
    public void ended() {
        CommandOutput o = out;
        o.finish(CommandOutput.STDOUT);
        o.finish(CommandOutput.STDERR);
        o.end(ExitStatus.success());
    }

    private void resizeTty(int columns, int rows) {
        if (!container.config().getTty()) {
            return;
        }
        // the runtime exposes no resize for a container's own tty: set it on the slave the container holds as fd 0
        long pid = runtime.state(container.id()).pid();
        int fd = Native.C.open("/proc/" + pid + "/fd/0", Sc.O_RDWR | Sc.O_CLOEXEC | Sc.O_NOCTTY, 0);
        if (fd < 0) {
            return;
        }
        try {
            int[] winsize = {(rows & 0xffff) | (columns << 16), 0};
            Native.C.ioctl(fd, Sc.TIOCSWINSZ, winsize);
        } finally {
            Native.C.close(fd);
        }
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
        input.cancel();
        logs.output().unsubscribe(container.id(), this);
    }
}
