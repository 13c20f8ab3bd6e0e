package io.jcri.server.daemon;

import io.jcri.runtime.supervise.UnfinishedLaunches;
import io.jcri.server.config.JcriConfig;
import io.jcri.server.grpc.RpcInstrumentation;
import io.jcri.server.metrics.MetricsServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.logging.Logger;

/** The running jcri daemon: directories, the socket claim, the services and the gRPC server. */
public final class Daemon {
    private static final Logger LOG = Logger.getLogger(Daemon.class.getName());

    private final JcriConfig config;
    private MetricsServer metricsServer;
    private SocketClaim claim;
    private CriServer server;
    private CriServices services;

    public Daemon(JcriConfig config) {
        this.config = config;
    }

    public void start() throws IOException {
        String crashPoint = io.jcri.runtime.CrashPoints.armed();
        if (crashPoint != null) {
            LOG.warning("TEST ONLY: " + io.jcri.runtime.CrashPoints.ENV + " is set: this daemon kills itself at "
                    + crashPoint);
        }
        // before the claim: a launch child an earlier JVM left holds that JVM's listening socket
        UnfinishedLaunches.killAll();
        claim = SocketClaim.claim(config.socket());
        try {
            createPrivateDirectory(config.rootDir());
            createPrivateDirectory(config.stateDir());
            services = new CriServices(config);
            server = new CriServer(config.socket(), new RpcInstrumentation(), services.services());
            server.start();
            claim.serving();
            if (config.metrics().enabled()) {
                metricsServer = MetricsServer.start(config.metrics().host(), config.metrics().port());
                LOG.info("serving metrics on http://" + config.metrics().host() + ":" + metricsServer.port()
                        + "/metrics");
            }
        } catch (IOException | RuntimeException e) {
            if (server != null) {
                try {
                    server.shutdown(0);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
            if (services != null) {
                services.close();
            }
            claim.close();
            throw e;
        }
        LOG.info("serving CRI v1 on unix://" + config.socket() + " (root " + config.rootDir() + ", state "
                + config.stateDir() + ")");
    }

    /** Stops accepting calls, lets in-flight calls finish, removes the socket. */
    public void stop() throws IOException, InterruptedException {
        if (metricsServer != null) {
            metricsServer.close();
        }
        try {
            if (services != null) {
                services.endStreams();
            }
            if (server != null) {
                server.shutdown(config.shutdownGraceSeconds());
            }
        } finally {
            if (services != null) {
                services.close();
            }
            if (claim != null) {
                claim.close();
            }
        }
        LOG.info("stopped; removed " + config.socket());
    }

    private static void createPrivateDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        }
    }
}
