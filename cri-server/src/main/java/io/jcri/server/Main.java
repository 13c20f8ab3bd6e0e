package io.jcri.server;

import io.jcri.server.config.CommandLine;
import io.jcri.server.config.ConfigException;
import io.jcri.server.config.ConfigLoader;
import io.jcri.server.config.JcriConfig;
import io.jcri.server.daemon.Daemon;
import io.jcri.server.daemon.SocketClaim.SocketInUseException;
import io.jcri.server.logging.LogSetup;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;
import sun.misc.Signal;

/** {@code jcri}: parse flags, load the configuration, serve until SIGTERM or SIGINT, exit 0. */
public final class Main {
    static final int EXIT_USAGE = 2;
    static final int EXIT_FAILURE = 1;

    private Main() {
    }

    public static void main(String[] args) {
        // jnr-ffi's x86 asm stubs corrupt the 6th integer argument; force the libffi path for every binding
        System.setProperty("jnr.ffi.x86asm.enabled", "false");
        System.exit(run(args));
    }

    static int run(String[] args) {
        CommandLine cli;
        JcriConfig config;
        try {
            cli = CommandLine.parse(args);
            if (cli.help()) {
                System.out.print(CommandLine.USAGE);
                return 0;
            }
            if (cli.version()) {
                System.out.println("jcri " + BuildInfo.version() + " (CRI " + BuildInfo.RUNTIME_API_VERSION + ")");
                return 0;
            }
            config = ConfigLoader.load(cli);
        } catch (ConfigException e) {
            System.err.println("jcri: " + e.getMessage());
            return EXIT_USAGE;
        }
        LogSetup.configure(config.logLevel());
        Logger log = Logger.getLogger(Main.class.getName());

        CountDownLatch stopRequested = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stopRequested.countDown());
        Signal.handle(new Signal("INT"), s -> stopRequested.countDown());

        Daemon daemon = new Daemon(config);
        try {
            daemon.start();
        } catch (SocketInUseException e) {
            log.severe("cannot start: " + e.getMessage());
            return EXIT_FAILURE;
        } catch (IOException | RuntimeException e) {
            log.log(Level.SEVERE, "cannot start: " + e.getMessage(), e);
            return EXIT_FAILURE;
        }
        try {
            stopRequested.await();
            log.info("stop requested: finishing in-flight calls");
            daemon.stop();
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_FAILURE;
        } catch (IOException e) {
            log.log(Level.SEVERE, "error while stopping: " + e.getMessage(), e);
            return EXIT_FAILURE;
        }
    }
}
