package io.jcri.e2e.streaming;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** A remote-command WebSocket client (binary channel.k8s.io framing), like client-go's WebSocket executor. */
final class WebSocketTestClient implements AutoCloseable {
    private final Channel channel;
    private final Map<Integer, ByteArrayOutputStream> received = new ConcurrentHashMap<>();
    final CompletableFuture<Void> closed = new CompletableFuture<>();
    final CompletableFuture<String> subprotocol = new CompletableFuture<>();

    private WebSocketTestClient(String url, String protocol) throws Exception {
        URI uri = URI.create(url.replaceFirst("^http", "ws"));
        WebSocketClientHandshaker hs = WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V13,
                protocol, false, new DefaultHttpHeaders(), 1 << 20);
        channel = new Bootstrap().group(SpdyTestClient.GROUP).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        c.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16),
                                new WebSocketClientProtocolHandler(hs, false), new WebSocketFrameAggregator(1 << 20),
                                new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                        if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent
                                                .HANDSHAKE_COMPLETE) {
                                            subprotocol.complete(hs.actualSubprotocol() == null ? ""
                                                    : hs.actualSubprotocol());
                                        }
                                        ctx.fireUserEventTriggered(evt);
                                    }

                                    @Override
                                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                        try {
                                            if (msg instanceof BinaryWebSocketFrame f) {
                                                ByteBuf b = f.content();
                                                if (b.isReadable()) {
                                                    int ch = b.readUnsignedByte();
                                                    byte[] a = new byte[b.readableBytes()];
                                                    b.readBytes(a);
                                                    ByteArrayOutputStream out = received.computeIfAbsent(ch,
                                                            k -> new ByteArrayOutputStream());
                                                    synchronized (out) {
                                                        out.writeBytes(a);
                                                    }
                                                }
                                            }
                                        } finally {
                                            ReferenceCountUtil.release(msg);
                                        }
                                    }

                                    @Override
                                    public void channelInactive(ChannelHandlerContext ctx) {
                                        closed.complete(null);
                                        subprotocol.completeExceptionally(new IllegalStateException("closed"));
                                    }
                                });
                    }
                }).connect(uri.getHost(), uri.getPort()).sync().channel();
    }

    static WebSocketTestClient connect(String url, String protocol) throws Exception {
        WebSocketTestClient c = new WebSocketTestClient(url, protocol);
        c.subprotocol.get(20, TimeUnit.SECONDS);
        return c;
    }

    void send(int ch, byte[] data) {
        byte[] frame = new byte[data.length + 1];
        frame[0] = (byte) ch;
        System.arraycopy(data, 0, frame, 1, data.length);
        channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(frame)));
    }

    String text(int ch) {
        ByteArrayOutputStream out = received.get(ch);
        if (out == null) {
            return "";
        }
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
