package io.jcri.e2e.streaming;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client side of Kubernetes' SPDY/3.1 streaming (what client-go's spdy round tripper and spdystream do),
 * enough to drive the daemon: the upgrade request with X-Stream-Protocol-Version, client-opened streams with
 * headers, data and half-close. It is as strict as spdystream: {@link SpdystreamFrameCheck} fails the connection on
 * any frame spdystream's framer would refuse, the 101 must carry the headers client-go checks, and DATA on a stream
 * not yet replied to (which spdystream silently drops) is an error. For what spdystream itself cannot express
 * (stalling, vanishing), the Go client is in {@link GoSpdyClient}.
 */
final class SpdyTestClient implements AutoCloseable {
    static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    /** The HTTP answer to the upgrade request; {@link #connection} is set when it was 101. */
    record Upgrade(int status, String protocol, String body, SpdyTestClient connection) {
    }

    private final Channel channel;
    private final Map<Integer, Stream> streams = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    final CompletableFuture<Void> closed = new CompletableFuture<>();

    private SpdyTestClient(Channel channel) {
        this.channel = channel;
    }

    static Upgrade connect(String url, String... protocols) throws Exception {
        URI uri = URI.create(url);
        CompletableFuture<FullHttpResponse> response = new CompletableFuture<>();
        Channel ch = new Bootstrap().group(GROUP).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        c.pipeline().addLast("http", new HttpClientCodec());
                        c.pipeline().addLast("agg", new HttpObjectAggregator(1 << 20));
                        c.pipeline().addLast("upgrade", new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                response.complete(((FullHttpResponse) msg).retainedDuplicate());
                                ReferenceCountUtil.release(msg);
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                response.completeExceptionally(new IllegalStateException("closed before a response"));
                            }
                        });
                    }
                }).connect(uri.getHost(), uri.getPort()).sync().channel();
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri.getRawPath());
        req.headers().set(HttpHeaderNames.HOST, uri.getHost() + ":" + uri.getPort());
        req.headers().set(HttpHeaderNames.CONNECTION, "Upgrade");
        req.headers().set(HttpHeaderNames.UPGRADE, "SPDY/3.1");
        req.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        for (String p : protocols) {
            req.headers().add("X-Stream-Protocol-Version", p);
        }
        SpdyTestClient client = new SpdyTestClient(ch);
        // switch the pipeline as soon as the 101 arrives, on the event loop, before any frame could
        ch.pipeline().addBefore("upgrade", "switch", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                FullHttpResponse r = (FullHttpResponse) msg;
                if (r.status().code() == 101) {
                    ctx.pipeline().addAfter("http", "spdystream-check", new SpdystreamFrameCheck(client));
                    ctx.pipeline().addAfter("spdystream-check", "spdy", new SpdyFrameCodec(SpdyVersion.SPDY_3_1, 64 * 1024, 16 * 1024, 6, 15, 8));
                    ctx.pipeline().addAfter("spdy", "session", client.new Session());
                    ctx.pipeline().remove("agg");
                    ctx.pipeline().remove("http");
                }
                ctx.pipeline().remove(this);
                ctx.fireChannelRead(msg);
            }
        });
        ch.writeAndFlush(req).sync();
        FullHttpResponse r = response.get(20, TimeUnit.SECONDS);
        try {
            String body = r.content().toString(StandardCharsets.UTF_8);
            String protocol = r.headers().get("X-Stream-Protocol-Version");
            if (r.status().code() != 101) {
                ch.close();
                return new Upgrade(r.status().code(), protocol, body, null);
            }
            // client-go's SpdyRoundTripper refuses a 101 without these
            String connection = r.headers().get(HttpHeaderNames.CONNECTION, "");
            String upgrade = r.headers().get(HttpHeaderNames.UPGRADE, "");
            if (!connection.toLowerCase().contains("upgrade") || !upgrade.equalsIgnoreCase("SPDY/3.1")) {
                ch.close();
                throw new IllegalStateException("101 without Connection: Upgrade / Upgrade: SPDY/3.1: " + r.headers());
            }
            ch.closeFuture().addListener(f -> client.closed.complete(null));
            return new Upgrade(101, protocol, body, client);
        } finally {
            r.release();
        }
    }

    /** Fails the connection: spdystream could not go on after what the server sent. */
    void protocolError(Throwable t) {
        closed.completeExceptionally(t);
        streams.values().forEach(s -> {
            s.replied.completeExceptionally(t);
            s.finished.completeExceptionally(t);
        });
    }

    /** Opens a stream with the given headers (names lower-case, as spdystream sends them). */
    Stream open(Map<String, String> headers) {
        int id = nextId.getAndAdd(2);
        Stream s = new Stream(id);
        streams.put(id, s);
        DefaultSpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(id, 0, (byte) 0);
        headers.forEach((k, v) -> syn.headers().set(k, v));
        channel.writeAndFlush(syn);
        return s;
    }

    Stream open(String... keyValues) {
        Map<String, String> h = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            h.put(keyValues[i], keyValues[i + 1]);
        }
        return open(h);
    }

    /** Stops reading from the connection (a client that stalls but stays connected). */
    void stopReading() {
        channel.config().setAutoRead(false);
    }

    void resumeReading() {
        channel.config().setAutoRead(true);
        channel.read();
    }

    /** Drops the TCP connection without any goodbye (a vanished client). */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    final class Stream {
        final int id;
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final CompletableFuture<Void> replied = new CompletableFuture<>();
        final CompletableFuture<Void> finished = new CompletableFuture<>();
        volatile boolean reset;

        Stream(int id) {
            this.id = id;
        }

        void write(String s) {
            write(s.getBytes(StandardCharsets.UTF_8));
        }

        void write(byte[] b) {
            channel.writeAndFlush(new DefaultSpdyDataFrame(id, Unpooled.wrappedBuffer(b)));
        }

        /** Half-close: FIN. */
        void finish() {
            channel.writeAndFlush(new DefaultSpdyDataFrame(id).setLast(true));
        }

        String text() {
            synchronized (received) {
                return received.toString(StandardCharsets.UTF_8);
            }
        }

        int size() {
            synchronized (received) {
                return received.size();
            }
        }

        /** Everything until the server's FIN (or the connection closing). */
        String readAll(Duration timeout) throws Exception {
            CompletableFuture.anyOf(finished, closed).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return text();
        }

        private void data(ByteBuf b) {
            synchronized (received) {
                byte[] a = new byte[b.readableBytes()];
                b.readBytes(a);
                received.writeBytes(a);
            }
        }
    }

    private final class Session extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof SpdySynReplyFrame r) {
                    Stream s = streams.get(r.streamId());
                    if (s != null) {
                        s.replied.complete(null);
                    }
                } else if (msg instanceof SpdyDataFrame d) {
                    Stream s = streams.get(d.streamId());
                    if (s != null && !s.replied.isDone()) {
                        protocolError(new IllegalStateException("DATA on stream " + s.id + " before its SYN_REPLY"
                                + " (spdystream drops it)"));
                        ctx.close();
                    } else if (s != null) {
                        s.data(d.content());
                        if (d.isLast()) {
                            s.finished.complete(null);
                        }
                    }
                } else if (msg instanceof SpdyRstStreamFrame r) {
                    Stream s = streams.get(r.streamId());
                    if (s != null) {
                        s.reset = true;
                        s.finished.complete(null);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed.complete(null);
            streams.values().forEach(s -> s.finished.complete(null));
        }
    }

    static List<String> lines(String s) {
        return List.of(s.split("\r?\n"));
    }
}
