package io.jcri.server.streaming;

import io.jcri.server.config.StreamingSection;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.net.ssl.SSLException;

/**
 * The streaming HTTP server behind the URLs of Exec, Attach and PortForward ({@code /exec/<token>},
 * {@code /attach/<token>}, {@code /portforward/<token>}). Netty event loops only move bytes; process work
 * (exec, pipe reads and writes, dialing into a pod) runs on a separate pool of platform threads.
 */
public final class StreamingServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(StreamingServer.class.getName());

    /** Up to this much output may queue per connection before its producer is paused. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

    static final long IDLE_TIMEOUT_HOURS = 4;

    private final EventLoopGroup group;
    private final ExecutorService executor;
    private final Channel listener;
    private final TokenCache tokens;
    private final String baseUrl;

    private StreamingServer(EventLoopGroup group, ExecutorService executor, Channel listener, TokenCache tokens,
                            String baseUrl) {
        this.group = group;
        this.executor = executor;
        this.listener = listener;
        this.tokens = tokens;
        this.baseUrl = baseUrl;
    }

    /** Binds the configured address and serves until closed. */
    public static StreamingServer start(StreamingSection config, StreamingBackend backend) {
        SslContext ssl = null;
        if (config.tlsCertFile() != null) {
            try {
                ssl = SslContextBuilder.forServer(config.tlsCertFile().toFile(), config.tlsKeyFile().toFile()).build();
            } catch (SSLException | IllegalArgumentException e) {
                throw new IllegalStateException("[streaming] cannot use TLS certificate " + config.tlsCertFile()
                        + " / key " + config.tlsKeyFile() + ": " + e.getMessage(), e);
            }
        }
        TokenCache tokens = new TokenCache(Duration.ofSeconds(config.tokenTtlSeconds()));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "jcri-stream-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        SslContext sslContext = ssl;
        Routes routes = new Routes(tokens, backend, group, executor, config.streamCreationTimeoutSeconds());
        try {
            Channel ch = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            if (sslContext != null) {
                                c.pipeline().addLast("ssl", sslContext.newHandler(c.alloc()));
                            }
                            // an open session without any traffic for 4 hours is closed (kubelet's default)
                            c.pipeline().addLast("idle", new IdleStateHandler(0, 0, IDLE_TIMEOUT_HOURS,
                                    TimeUnit.HOURS));
                            c.pipeline().addLast("idle-close", new ChannelInboundHandlerAdapter() {
                                @Override
                                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                    if (evt instanceof IdleStateEvent) {
                                        LOG.info("closing streaming connection " + ctx.channel().remoteAddress()
                                                + ": idle for " + IDLE_TIMEOUT_HOURS + " hours");
                                        ctx.close();
                                    } else {
                                        ctx.fireUserEventTriggered(evt);
                                    }
                                }
                            });
                            c.pipeline().addLast("http", new HttpServerCodec());
                            c.pipeline().addLast("aggregator", new HttpObjectAggregator(64 * 1024));
                            c.pipeline().addLast("router", new HttpRouter(routes));
                        }
                    })
                    .bind(new InetSocketAddress(config.host(), config.port())).syncUninterruptibly().channel();
            InetSocketAddress bound = (InetSocketAddress) ch.localAddress();
            String host = bound.getAddress().getHostAddress();
            if (host.contains(":")) {
                host = "[" + host + "]";
            }
            String base = (sslContext != null ? "https" : "http") + "://" + host + ":" + bound.getPort();
            LOG.info("streaming server on " + base + " (tokens valid " + config.tokenTtlSeconds() + "s)");
            return new StreamingServer(group, executor, ch, tokens, base);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            executor.shutdownNow();
            throw new IllegalStateException("[streaming] cannot listen on " + config.host() + ":" + config.port()
                    + ": " + e.getMessage(), e);
        }
    }

    /** Registers a request under a fresh token; returns its URL. */
    String url(String kind, Object request) {
        return baseUrl + "/" + kind + "/" + tokens.insert(request);
    }

    /** The scheme, address and port URLs start with. */
    public String baseUrl() {
        return baseUrl;
    }

    /** Stops listening and drops every open streaming connection (their exec'd processes are killed). */
    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        executor.shutdown();
    }
}
