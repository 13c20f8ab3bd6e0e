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
        // every series exists from the start at zero, so dashboards and rate() see it before the first event
        ContainerMetrics.STARTS.inc(0);
        ContainerMetrics.OOM_KILLS.inc(0);
        for (String reason : new String[] {"Completed", "Error", "OOMKilled"}) {
            ContainerMetrics.EXITS.labels(reason);
        }
        for (String operation : new String[] {"ADD", "DEL", "CHECK"}) {
            CniMetrics.FAILURES.labels(operation);
            CniMetrics.DURATION.labels(operation);
        }
        ImagePullMetrics.PULLS.labels("success");
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
