package io.jcri.server.streaming;

import io.jcri.server.streaming.SpdySession.SpdyStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The port-forward protocol over SPDY ({@code portforward.k8s.io}): per forwarded connection the client opens
 * an {@code error} and a {@code data} stream carrying the same {@code port} and {@code requestID} headers; many
 * connections (and ports) share one session. Each complete pair gets a TCP connection to that port inside the
 * pod; bytes are relayed both ways without buffering more than the sockets' own windows (a side that cannot
 * keep up stops reading from the other), and a failure is written to the error stream.
 */
final class SpdyPortForward implements SpdySession.Listener {
    private static final Logger LOG = Logger.getLogger(SpdyPortForward.class.getName());

    private final String podId;
    private final Path netns;
    private final ExecutorService executor;
    private final long creationTimeoutSeconds;
    private final Map<String, Pair> pairs = new HashMap<>();
    private final Set<Channel> targets = ConcurrentHashMap.newKeySet();
    private SpdySession spdy;

    SpdyPortForward(String podId, Path netns, ExecutorService executor,
                    long creationTimeoutSeconds) {
        this.podId = podId;
        this.netns = netns;
        this.executor = executor;
        this.creationTimeoutSeconds = creationTimeoutSeconds;
    }

    void attach(SpdySession spdy) {
        this.spdy = spdy;
        spdy.channel().pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                boolean writable = ctx.channel().isWritable();
                targets.forEach(t -> t.config().setAutoRead(writable));
                ctx.fireChannelWritabilityChanged();
            }
        });
    }

    @Override
    public boolean streamOpened(SpdyStream s) {
        String type = s.header("streamtype");
        int port;
        try {
            port = Integer.parseInt(s.header("port"));
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            LOG.fine("port-forward stream with a bad port header '" + s.header("port") + "'");
            return false;
        }
        if (!type.equals("data") && !type.equals("error")) {
            return false;
        }
        String requestId = s.header("requestid");
        if (requestId.isEmpty()) { // clients before request ids: consecutive stream ids, error first
            requestId = Integer.toString(type.equals("error") ? s.id() : s.id() - 2);
        }
        String key = requestId;
        Pair p = pairs.computeIfAbsent(key, k -> {
            Pair n = new Pair(k, port);
            spdy.channel().eventLoop().schedule(() -> {
                if (pairs.get(k) == n && !n.complete()) {
                    pairs.remove(k);
                    n.fail("timed out waiting for the data and error streams of request " + k);
                }
            }, creationTimeoutSeconds, TimeUnit.SECONDS);
            return n;
        });
        if (type.equals("error")) {
            if (p.error != null) {
                return false;
            }
            p.error = s;
        } else {
            if (p.data != null) {
                return false;
            }
            p.data = s;
            s.handler(p);
        }
        if (p.complete()) {
            pairs.remove(key);
            executor.execute(p::dial);
        }
        return true;
    }

    @Override
    public void sessionClosed() {
        pairs.clear();
        targets.forEach(Channel::close);
    }

    /** One forwarded connection: its two streams and, once dialed, the pod-side socket. */
    private final class Pair implements SpdySession.StreamHandler {
        final String requestId;
        final int port;
        SpdyStream data;
        SpdyStream error;
        private final List<ByteBuf> early = new ArrayList<>();
        private boolean clientClosed;
        private Channel target;

        Pair(String requestId, int port) {
            this.requestId = requestId;
            this.port = port;
        }

        boolean complete() {
            return data != null && error != null;
        }

        void dial() {
            SocketChannel socket;
            try {
                socket = PodDialer.connect(netns, port);
                socket.configureBlocking(false);
            } catch (Exception e) {
                // kubelet's streaming library words it so around the runtime's error (CRI streams carry no uid)
                spdy.channel().eventLoop().execute(() -> fail("error forwarding port " + port + " to pod " + podId
                        + ", uid : failed to connect to localhost:" + port + " inside the pod's network namespace: "
                        + e.getMessage()));
                return;
            }
            NioSocketChannel ch = new NioSocketChannel(socket);
            ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
            ch.config().setWriteBufferWaterMark(StreamingServer.WATER_MARK);
            ch.config().setAutoRead(spdy.channel().isWritable());
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    data.writeNoFlush((ByteBuf) msg);
                }

                @Override
                public void channelReadComplete(ChannelHandlerContext ctx) {
                    spdy.channel().flush();
                }

                @Override
                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                    if (evt instanceof ChannelInputShutdownEvent) {
                        ctx.close();
                    }
                }

                @Override
                public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                    spdy.channel().config().setAutoRead(ctx.channel().isWritable());
                }

                @Override
                public void channelInactive(ChannelHandlerContext ctx) {
                    targets.remove(ctx.channel());
                    data.finish();
                    error.finish();
                    if (!spdy.channel().config().isAutoRead()) {
                        spdy.channel().config().setAutoRead(true);
                    }
                }

                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    LOG.fine("port-forward connection to port " + port + " of pod " + podId + ": " + cause);
                    ctx.close();
                }
            });
            // the session's own event loop: relaying needs no thread hop
            spdy.channel().eventLoop().register(ch).addListener(f -> {
                if (!f.isSuccess()) {
                    fail("error forwarding port " + port + ": " + f.cause());
                    return;
                }
                spdy.channel().eventLoop().execute(() -> connected(ch));
            });
        }

        /** On the session's event loop: hands over what the client sent meanwhile. */
        private void connected(Channel ch) {
            if (spdy.isClosed()) {
                ch.close();
                return;
            }
            target = ch;
            targets.add(ch);
            for (ByteBuf b : early) {
                ch.write(b);
            }
            early.clear();
            ch.flush();
            if (clientClosed) {
                ((NioSocketChannel) ch).shutdownOutput();
            }
        }

        void fail(String message) {
            LOG.fine(message);
            if (error != null) {
                error.write(Unpooled.copiedBuffer(message, StandardCharsets.UTF_8));
                error.finish();
            }
            if (data != null) {
                data.finish();
            }
            early.forEach(ByteBuf::release);
            early.clear();
        }

        @Override
        public void data(ByteBuf b) {
            if (target != null) {
                target.writeAndFlush(b);
            } else {
                early.add(b);
            }
        }

        @Override
        public void remoteClosed() {
            clientClosed = true;
            if (target != null) {
                ((NioSocketChannel) target).shutdownOutput();
            }
        }

        @Override
        public void reset() {
            early.forEach(ByteBuf::release);
            early.clear();
            if (target != null) {
                target.close();
            } else {
                clientClosed = true;
            }
        }
    }
}
