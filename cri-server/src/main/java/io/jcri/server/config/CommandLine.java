package io.jcri.server.config;

import java.nio.file.Path;
import java.util.Optional;

/** The daemon's command line: {@code jcri [--config FILE] [--socket PATH] [--root DIR] [--state DIR] ...}. */
public record CommandLine(
        Optional<Path> configFile,
        Optional<Path> socket,
        Optional<Path> rootDir,
        Optional<Path> stateDir,
        Optional<LogLevel> logLevel,
        Optional<String> metricsAddress,
        boolean help,
        boolean version) {

    public static final String USAGE = """
            Usage: jcri [options]

            jcri serves the Kubernetes CRI v1 API (RuntimeService, ImageService) on a unix socket.

            Options:
              --config FILE      TOML configuration file (default: /etc/jcri/jcri.toml if it exists)
              --socket PATH      unix socket to serve on (default: /run/jcri/jcri.sock)
              --root DIR         persistent data directory (default: /var/lib/jcri)
              --state DIR        runtime state directory (default: /run/jcri)
              --log-level LEVEL  debug, info, warn or error (default: info)
              --metrics-address HOST:PORT
                                 Prometheus endpoint (default: 127.0.0.1:9101; "off" disables it)
              --version          print the version and exit
              -h, --help         print this help and exit

            Flags override the configuration file. Run as root.
            """;

    public static CommandLine parse(String... args) {
        Optional<Path> config = Optional.empty();
        Optional<Path> socket = Optional.empty();
        Optional<Path> root = Optional.empty();
        Optional<Path> state = Optional.empty();
        Optional<LogLevel> level = Optional.empty();
        Optional<String> metrics = Optional.empty();
        boolean help = false;
        boolean version = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String inlineValue = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                inlineValue = arg.substring(eq + 1);
            }
            switch (name) {
                case "-h", "--help" -> help = true;
                case "--version" -> version = true;
                case "--config", "--socket", "--root", "--state", "--log-level", "--metrics-address" -> {
                    String value = inlineValue;
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new ConfigException("option " + name + " needs a value");
                        }
                        value = args[++i];
                    }
                    if (value.isEmpty()) {
                        throw new ConfigException("option " + name + " needs a non-empty value");
                    }
                    switch (name) {
                        case "--config" -> config = Optional.of(Path.of(value));
                        case "--socket" -> socket = Optional.of(Path.of(value));
                        case "--root" -> root = Optional.of(Path.of(value));
                        case "--state" -> state = Optional.of(Path.of(value));
                        case "--metrics-address" -> metrics = Optional.of(value);
                        default -> level = Optional.of(parseLevel(value));
                    }
                }
                default -> throw new ConfigException("unknown option '" + arg + "' (see jcri --help)");
            }
        }
        return new CommandLine(config, socket, root, state, level, metrics, help, version);
    }

    private static LogLevel parseLevel(String value) {
        try {
            return LogLevel.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--log-level: " + e.getMessage());
        }
    }
}
