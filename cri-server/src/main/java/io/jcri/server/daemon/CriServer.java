package io.jcri.server.daemon;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.jcri.server.grpc.RpcInstrumentation;
import io.jcri.server.grpc.WorkerHandoff;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gRPC server on a unix socket (grpc-netty over epoll). Calls arrive on the netty event loop (a direct
 * executor); {@link WorkerHandoff} moves each one to a bounded pool of worker threads, since RPCs do disk and
 * process work, except the reads that only look at memory, which are answered where they arrive.
 */
public final class CriServer {
    /** kubelet's own limit for CRI messages. */
    private static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    private static final int RPC_THREADS = 32;

    private final Server server;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ExecutorService executor;

    public CriServer(Path socket, RpcInstrumentation instrumentation, List<BindableService> services) {
        boss = new MultiThreadIoEventLoopGroup(1, named("jcri-grpc-accept"), EpollIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(2, named("jcri-grpc-io"), EpollIoHandler.newFactory());
        executor = RpcWorkers.create(RPC_THREADS, 60, named("jcri-rpc"));
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                .directExecutor()
                // grpc-netty sets SO_KEEPALIVE on every accepted channel; a unix socket has no such option, so
                // netty warned "Unknown channel option 'SO_KEEPALIVE'" once per connection (crictl connects once
                // per command, kubelet's probes every few seconds). null removes it from the child options.
                .withChildOption(ChannelOption.SO_KEEPALIVE, null)
                .maxInboundMessageSize(MAX_MESSAGE_BYTES);
        WorkerHandoff handoff = new WorkerHandoff(executor);
        for (BindableService service : services) {
            // the last interceptor runs first: the hand-off wraps the instrumentation, which times the whole call
            builder.addService(ServerInterceptors.intercept(service, instrumentation, handoff));
        }
        server = builder.build();
    }

    public void start() throws IOException {
        server.start();
    }

    /** Stops accepting calls, lets in-flight calls finish within the grace period, then cancels the rest. */
    public void shutdown(long graceSeconds) throws InterruptedException {
        server.shutdown();
        if (!server.awaitTermination(graceSeconds, TimeUnit.SECONDS)) {
            server.shutdownNow();
            server.awaitTermination(5, TimeUnit.SECONDS);
        }
        executor.shutdown();
        executor.awaitTermination(5, TimeUnit.SECONDS);
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
