package io.jcri.server.logging;

import io.jcri.server.config.LogLevel;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Routes java.util.logging (jcri's and grpc-java's) to stderr, one line per record. */
public final class LogSetup {
    private LogSetup() {
    }

    public static void configure(LogLevel level) {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler handler = new ConsoleHandler();
        handler.setFormatter(new OneLineFormatter());
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
        root.setLevel(Level.INFO);
        Logger.getLogger("io.jcri").setLevel(level.julLevel());
        // grpc-java and netty log their internals at FINE; keep them out of jcri's debug output
        Logger.getLogger("io.grpc").setLevel(Level.INFO);
        Logger.getLogger("io.netty").setLevel(Level.INFO);
    }
}
