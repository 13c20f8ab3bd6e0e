package io.jcri.server.streaming;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The remote-command protocol over WebSocket: every message starts with its channel (0 stdin, 1 stdout,
 * 2 stderr, 3 error, 4 resize); the {@code base64.*} subprotocols send the channel as an ASCII digit and the
 * payload base64-encoded in text messages. {@code v5.channel.k8s.io} adds the CLOSE signal ({@code [255, n]}:
 * the client closed channel n, i.e. stdin's EOF). The status goes on channel 3 (JSON from v4 on), then the
 * connection is closed.
 */
final class WebSocketRemoteCommand extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = Logger.getLogger(WebSocketRemoteCommand.class.getName());

    /** Subprotocols we accept, server preference order; "" is a client that asked for none. */
    static final List<String> SUBPROTOCOLS = List.of("v5.channel.k8s.io", "v4.channel.k8s.io",
            "v4.base64.channel.k8s.io", "channel.k8s.io", "base64.channel.k8s.io");

    private static final int STDIN = 0;
    private static final int ERROR = 3;
    private static final int RESIZE = 4;
    private static final int CLOSE_SIGNAL = 255;

    private final CommandSession session;
    private final StreamOptions options;
    private final boolean base64;
    private final boolean json;
    private final boolean closeSignal;
    private final ExecutorService executor;
    private final ResizeDecoder resize;
    private Channel channel;

    WebSocketRemoteCommand(String subprotocol, StreamOptions options, CommandSession session,
                           ExecutorService executor) {
        String p = subprotocol == null ? "" : subprotocol;
        this.session = session;
        this.options = options;
        this.executor = executor;
        this.base64 = p.contains("base64");
        this.json = p.startsWith("v4.") || p.startsWith("v5.");
        this.closeSignal = p.startsWith("v5.");
        this.resize = new ResizeDecoder(session::resize);
    }

    /** Called once the handshake is done. */
    void start(Channel ch) {
        this.channel = ch;
        Output out = new Output();
        // an empty message on the lowest writable channel tells the client the connection is ready
        int first = options.stdout() ? CommandOutput.STDOUT : options.stderr() ? CommandOutput.STDERR : ERROR;
        out.send(first, Unpooled.EMPTY_BUFFER);
        executor.execute(() -> session.start(out));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof BinaryWebSocketFrame || msg instanceof TextWebSocketFrame) {
                ByteBuf content = ((WebSocketFrame) msg).content();
                if (!content.isReadable()) {
                    return;
                }
                int n = content.readUnsignedByte();
                if (base64) {
                    n -= '0';
                    byte[] b = new byte[content.readableBytes()];
                    content.readBytes(b);
                    try {
                        content = Unpooled.wrappedBuffer(Base64.getDecoder().decode(b));
                    } catch (IllegalArgumentException e) {
                        return;
                    }
                } else {
                    content = content.retain();
                }
                dispatch(n, content);
            } else if (msg instanceof PingWebSocketFrame ping) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            } else if (msg instanceof CloseWebSocketFrame) {
                ctx.close();
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void dispatch(int n, ByteBuf content) {
        if (n == STDIN && options.stdin()) {
            session.stdin(content);
        } else if (n == RESIZE) {
            resize.data(content);
        } else if (n == CLOSE_SIGNAL && closeSignal) {
            int closed = content.isReadable() ? content.readUnsignedByte() : -1;
            content.release();
            if (closed == STDIN) {
                session.stdinEnd();
            }
        } else {
            content.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        session.clientGone();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.FINE, "WebSocket stream from " + ctx.channel().remoteAddress() + " failed", cause);
        ctx.close();
    }

    private final class Output implements CommandOutput {
        private boolean ended;

        ChannelFuture send(int n, ByteBuf data) {
            WebSocketFrame frame;
            if (base64) {
                byte[] b = new byte[data.readableBytes()];
                data.readBytes(b);
                data.release();
                frame = new TextWebSocketFrame((char) ('0' + n) + Base64.getEncoder().encodeToString(b));
            } else {
                frame = new BinaryWebSocketFrame(Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(new byte[] {(byte) n}),
                        data));
            }
            return channel.writeAndFlush(frame);
        }

        @Override
        public ChannelFuture write(int n, ByteBuf data) {
            if ((n == STDOUT && !options.stdout()) || (n == STDERR && !options.stderr())) {
                data.release();
                return channel.newSucceededFuture();
            }
            return send(n, data);
        }

        @Override
        public void finish(int n) {
            // WebSocket channels end with the connection
        }

        @Override
        public synchronized void end(ExitStatus status) {
            if (ended) {
                return;
            }
            ended = true;
            String text = json ? status.json() : status.legacyText();
            if (!text.isEmpty()) {
                send(ERROR, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
            }
            channel.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public Channel channel() {
            return channel;
        }
    }
}
