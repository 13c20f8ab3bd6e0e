package io.jcri.server.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import io.prometheus.client.hotspot.DefaultExports;
import java.io.IOException;
import java.net.InetSocketAddress;

/** The Prometheus endpoint ({@code /metrics}) with jcri's metrics and the JVM's (memory, GC, threads). */
public final class MetricsServer implements AutoCloseable {
    private final HTTPServer server;

    private MetricsServer(HTTPServer server) {
        this.server = server;
    }

    public static MetricsServer start(String host, int port) throws IOException {
        DefaultExports.initialize();
        new PullProgressCollector().register();
        HTTPServer server = new HTTPServer.Builder()
                .withInetSocketAddress(new InetSocketAddress(host, port))
                .withRegistry(CollectorRegistry.defaultRegistry)
                .withDaemonThreads(true)
                .build();
        return new MetricsServer(server);
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
