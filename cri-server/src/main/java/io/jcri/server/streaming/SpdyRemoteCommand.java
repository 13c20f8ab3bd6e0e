package io.jcri.server.streaming;

import io.jcri.server.streaming.SpdySession.SpdyStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The remote-command protocol over SPDY ({@code channel.k8s.io} to {@code v5.channel.k8s.io}): the client opens
 * one stream per stdio stream it asked for, plus {@code error} (always) and {@code resize} (tty, v3+), each
 * named by its {@code streamType} header. Once all expected streams are there the session starts; if they do
 * not come within the stream creation timeout the connection is closed.
 */
final class SpdyRemoteCommand implements SpdySession.Listener {
    private static final Logger LOG = Logger.getLogger(SpdyRemoteCommand.class.getName());

    private final RemoteCommandProtocol protocol;
    private final StreamOptions options;
    private final CommandSession session;
    private final ExecutorService executor;
    private final int expected;
    private SpdySession spdy;
    private SpdyStream error;
    private SpdyStream stdout;
    private SpdyStream stderr;
    private int received;
    private boolean started;
    private ScheduledFuture<?> timeout;

    SpdyRemoteCommand(RemoteCommandProtocol protocol, StreamOptions options, CommandSession session,
                      ExecutorService executor) {
        this.protocol = protocol;
        this.options = options;
        this.session = session;
        this.executor = executor;
        int n = 1;
        n += options.stdin() ? 1 : 0;
        n += options.stdout() ? 1 : 0;
        n += options.stderr() ? 1 : 0;
        n += options.tty() && protocol.resizeStream() ? 1 : 0;
        this.expected = n;
    }

    void attach(SpdySession spdy, long creationTimeoutSeconds) {
        this.spdy = spdy;
        timeout = spdy.channel().eventLoop().schedule(() -> {
            if (!started) {
                LOG.info("streaming client " + spdy.channel().remoteAddress() + " did not open its " + expected
                        + " streams within " + creationTimeoutSeconds + "s; closing");
                spdy.channel().close();
            }
        }, creationTimeoutSeconds, TimeUnit.SECONDS);
    }

    @Override
    public boolean streamOpened(SpdyStream s) {
        String type = s.header("streamtype");
        switch (type) {
            case "error" -> error = s;
            case "stdout" -> stdout = s;
            case "stderr" -> stderr = s;
            case "stdin" -> s.handler(new SpdySession.StreamHandler() {
                public void data(ByteBuf data) {
                    session.stdin(data);
                }

                public void remoteClosed() {
                    session.stdinEnd();
                }

                public void reset() {
                    session.stdinEnd();
                }
            });
            case "resize" -> {
                ResizeDecoder decoder = new ResizeDecoder(session::resize);
                s.handler(new SpdySession.StreamHandler() {
                    public void data(ByteBuf data) {
                        decoder.data(data);
                    }

                    public void remoteClosed() {
                    }

                    public void reset() {
                    }
                });
            }
            default -> { // accepted and ignored, as kubelet's server does
                LOG.fine("unexpected stream type '" + type + "' from " + spdy.channel().remoteAddress());
                return true;
            }
        }
        if (++received == expected && !started) {
            started = true;
            timeout.cancel(false);
            if (protocol == RemoteCommandProtocol.V1 && error != null) {
                // kubelet's v1 handler resets the error stream as soon as all streams are there (the 1.0 behaviour
                // it keeps), so a channel.k8s.io client never reads a status; containerd answers so, we follow
                error.reset();
                error = null;
            }
            Output out = new Output();
            executor.execute(() -> session.start(out));
        }
        return true;
    }

    @Override
    public void sessionClosed() {
        if (timeout != null) {
            timeout.cancel(false);
        }
        session.clientGone();
    }

    private final class Output implements CommandOutput {
        private boolean ended;

        private SpdyStream stream(int n) {
            return n == STDOUT ? stdout : n == STDERR ? stderr : null;
        }

        @Override
        public ChannelFuture write(int n, ByteBuf data) {
            SpdyStream s = stream(n);
            if (s == null) {
                data.release();
                return spdy.channel().newSucceededFuture();
            }
            return s.write(data);
        }

        @Override
        public void finish(int n) {
            SpdyStream s = stream(n);
            if (s != null) {
                s.finish();
            }
        }

        @Override
        public synchronized void end(ExitStatus status) {
            if (ended) {
                return;
            }
            ended = true;
            finish(STDOUT);
            finish(STDERR);
            if (error != null) {
                String text = protocol.jsonStatus() ? status.json() : status.legacyText();
                if (!text.isEmpty()) {
                    error.write(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
                }
                error.finish();
            }
            spdy.close();
        }

        @Override
        public Channel channel() {
            return spdy.channel();
        }
    }
}
