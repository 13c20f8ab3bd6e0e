package io.jcri.server.daemon;

import io.grpc.BindableService;
import io.jcri.server.config.JcriConfig;
import io.jcri.server.grpc.RpcInstrumentation;
import io.jcri.image.ImageService;
import io.jcri.server.image.ImageServiceImpl;
import io.jcri.server.image.ImageStoreFactory;
import io.jcri.server.runtime.NetworkReadyProbe;
import io.jcri.server.runtime.RuntimeConfigRpc;
import io.jcri.server.runtime.RuntimeReadyProbe;
import io.jcri.server.runtime.RuntimeServiceImpl;
import io.jcri.server.runtime.RuntimeSettings;
import io.jcri.server.runtime.StatusRpc;
import io.jcri.server.runtime.VersionRpc;
import io.prometheus.client.CollectorRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.logging.Logger;

/** The running jcri daemon: directories, the socket claim, the services and the gRPC server. */
public final class Daemon {
    private static final Logger LOG = Logger.getLogger(Daemon.class.getName());

    private final JcriConfig config;
    private final CollectorRegistry metrics = new CollectorRegistry(true);
    private SocketClaim claim;
    private CriServer server;
    private ImageService images;

    public Daemon(JcriConfig config) {
        this.config = config;
    }

    public void start() throws IOException {
        claim = SocketClaim.claim(config.socket());
        try {
            createPrivateDirectory(config.rootDir());
            createPrivateDirectory(config.stateDir());
            RuntimeSettings settings = new RuntimeSettings(config.stateDir());
            images = ImageStoreFactory.create(config);
            List<BindableService> services = List.of(
                    new RuntimeServiceImpl(
                            new VersionRpc(),
                            new StatusRpc(config, settings, List.of(
                                    new RuntimeReadyProbe(config.rootDir(), config.stateDir()),
                                    new NetworkReadyProbe())),
                            new RuntimeConfigRpc(config, settings)),
                    new ImageServiceImpl(images));
            server = new CriServer(config.socket(), new RpcInstrumentation(metrics), services);
            server.start();
            claim.serving();
        } catch (IOException | RuntimeException e) {
            if (images != null) {
                images.close();
            }
            claim.close();
            throw e;
        }
        LOG.info("serving CRI v1 on unix://" + config.socket() + " (root " + config.rootDir() + ", state "
                + config.stateDir() + ")");
    }

    /** Stops accepting calls, lets in-flight calls finish, removes the socket. */
    public void stop() throws IOException, InterruptedException {
        try {
            if (server != null) {
                server.shutdown(config.shutdownGraceSeconds());
            }
        } finally {
            if (images != null) {
                images.close();
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
