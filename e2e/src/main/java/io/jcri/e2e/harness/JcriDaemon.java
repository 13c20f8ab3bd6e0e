package io.jcri.e2e.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real jcri daemon started through its launcher ({@code deploy/bin/jcri}) on a private socket, root and
 * state directory under a base directory. The launcher's process becomes {@code jcri-subreaper}, the parent of
 * the daemon's JVM ({@link #daemonPid()}). Closing it sends SIGTERM and waits for the exit.
 */
public final class JcriDaemon implements AutoCloseable {
    private final Path base;
    private final Path socket;
    private final Path logFile;
    private final Process process;
    private CriEndpoint endpoint;

    private JcriDaemon(Path base, Path socket, Path logFile, Process process) {
        this.base = base;
        this.socket = socket;
        this.logFile = logFile;
        this.process = process;
    }

    /** The daemon jar under test, passed by Maven as {@code -Djcri.jar=...}. */
    public static Path jar() {
        String jar = System.getProperty("jcri.jar", "../cri-server/target/jcri.jar");
        Path path = Path.of(jar).toAbsolutePath().normalize();
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("daemon jar " + path + " is missing: build it with mvn package");
        }
        return path;
    }

    /** Starts a daemon under {@code base} (socket in {@code base/run}) and waits until it serves Version. */
    public static JcriDaemon start(Path base, String... extraArgs) {
        return start(base, Map.of(), extraArgs);
    }

    /** As {@link #start(Path, String...)}, with variables added to the launcher's environment. */
    public static JcriDaemon start(Path base, Map<String, String> env, String... extraArgs) {
        JcriDaemon d = launch(base, env, extraArgs);
        try {
            // a deadline, not a delay: a loaded CI machine (or six builds on two cores) needs more than 30 s
            d.awaitServing(Deadline.scaled(Duration.ofSeconds(120)));
        } catch (RuntimeException | Error e) {
            d.close();
            throw e;
        }
        return d;
    }

    /** Starts a daemon process without waiting for it; for tests of start-up failures. */
    public static JcriDaemon launch(Path base, String... extraArgs) {
        return launch(base, Map.of(), extraArgs);
    }

    private static JcriDaemon launch(Path base, Map<String, String> env, String... extraArgs) {
        try {
            Files.createDirectories(base);
            Path socket = base.resolve("run/jcri.sock");
            Path log = base.resolve("daemon-" + System.nanoTime() + ".log");
            // through the launcher people use, so tests and benchmarks run the daemon with its real JVM options
            List<String> cmd = new ArrayList<>(List.of(launcher().toString(),
                    "--socket", socket.toString(),
                    "--root", base.resolve("root").toString(),
                    "--state", base.resolve("state").toString(),
                    "--log-level", "debug",
                    "--metrics-address", "127.0.0.1:0"));
            cmd.addAll(List.of(extraArgs));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("JCRI_JAR", jar().toString());
            // the harness's own JVM, or another JDK for the daemon alone (JCRI_DAEMON_JAVA_HOME, e.g. to compare 25)
            pb.environment().put("JAVA_HOME", System.getenv().getOrDefault("JCRI_DAEMON_JAVA_HOME",
                    System.getProperty("java.home")));
            // class data sharing only when asked (JCRI_CDS=on): many test daemons must not race on the archive
            pb.environment().put("JCRI_CDS", System.getenv().getOrDefault("JCRI_CDS", "off"));
            // as the launcher does: layer file names are UTF-8 and the JVM decodes them by the locale
            pb.environment().put("LC_ALL", "C.UTF-8");
            pb.environment().putAll(env);
            Process p = pb.start();
            return new JcriDaemon(base, socket, log, p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code deploy/bin/jcri} of the source tree the jar was built in. */
    static Path launcher() {
        Path repo = jar().getParent().getParent().getParent();
        Path launcher = repo.resolve("deploy/bin/jcri");
        if (!Files.isExecutable(launcher)) {
            throw new IllegalStateException("launcher " + launcher + " is missing or not executable");
        }
        return launcher;
    }

    public void awaitServing(Duration timeout) {
        Deadline.await(timeout, "jcri to serve on " + socket + "\n" + log(), () -> {
            if (!process.isAlive()) {
                throw new AssertionError("jcri exited with " + process.exitValue() + " before serving:\n" + log());
            }
            return Files.exists(socket) && endpoint().answersVersion();
        });
    }


    public synchronized CriEndpoint endpoint() {
        if (endpoint == null) {
            endpoint = CriEndpoint.connect(socket);
        }
        return endpoint;
    }

    /** The port of the daemon's Prometheus endpoint, from its start-up log line. */
    public int metricsPort() {
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("serving metrics on http://[^:]+:(\\d+)/metrics").matcher(log());
        if (!m.find()) {
            throw new AssertionError("the daemon logged no metrics endpoint:\n" + log());
        }
        return Integer.parseInt(m.group(1));
    }

    public Path socket() {
        return socket;
    }

    public Path base() {
        return base;
    }

    public Process process() {
        return process;
    }

    /**
     * The launched process: jcri-subreaper's front, a service manager's main process; its child, the keeper,
     * runs the daemon's JVM and inherits the containers.
     */
    public long pid() {
        return process.pid();
    }

    /** jcri-subreaper's keeper: the subreaper (the JVM's parent, which containers are reparented to). */
    public long keeperPid() {
        List<Long> keepers = children(process.pid());
        if (keepers.size() != 1) throw new AssertionError("jcri-subreaper " + process.pid() + " has " + keepers);
        return keepers.get(0);
    }

    private static List<Long> children(long pid) {
        try {
            String children = Files.readString(Path.of("/proc/" + pid + "/task/" + pid + "/children")).trim();
            List<Long> out = new ArrayList<>();
            for (String child : children.isEmpty() ? new String[0] : children.split(" ")) out.add(Long.parseLong(child));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The daemon's JVM: the keeper's child that runs {@code java -jar} (its other children are containers of
     * an earlier JVM).
     */
    public long daemonPid() {
        long keeper = keeperPid();
        List<Long> jvms = new ArrayList<>();
        for (long child : children(keeper)) {
            try {
                String cmdline = Files.readString(Path.of("/proc/" + child + "/cmdline"));
                if (cmdline.contains("\0-jar\0")) jvms.add(child);
            } catch (IOException gone) {
                // ended meanwhile
            }
        }
        if (jvms.size() != 1) {
            throw new AssertionError("jcri-subreaper's keeper " + keeper + " runs JVMs " + jvms);
        }
        return jvms.get(0);
    }

    /** The daemon's JVM crashes (SIGKILL); jcri-subreaper stays and starts a new one. */
    public void killDaemonJvm() {
        long jvm = daemonPid();
        closeEndpoint();
        ProcessHandle.of(jvm).ifPresent(ProcessHandle::destroyForcibly);
    }

    /**
     * kill -9 of the whole service, subreaper (front and keeper) and JVM (as a node's OOM killer or an operator
     * might): containers
     * are then reparented to the host's subreaper or init.
     */
    public void killAll() {
        long keeper = keeperPid();
        long jvm = daemonPid();
        closeEndpoint();
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
        ProcessHandle.of(keeper).ifPresent(ProcessHandle::destroyForcibly);
        ProcessHandle.of(jvm).ifPresent(h -> {
            h.destroyForcibly();
            try {
                h.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("the daemon's JVM " + jvm + " did not end", e);
            }
        });
    }

    public String log() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Waits for the process to exit by itself; returns its exit code. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("jcri did not exit within " + timeout + "\n" + log());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** SIGTERM (Process.destroy sends SIGTERM), then waits for the exit code. */
    public int terminate(Duration timeout) {
        closeEndpoint();
        process.destroy();
        return awaitExit(timeout);
    }

    private synchronized void closeEndpoint() {
        if (endpoint != null) {
            endpoint.close();
            endpoint = null;
        }
    }

    @Override
    public void close() {
        closeEndpoint();
        if (process.isAlive()) {
            process.destroy(); // SIGTERM, forwarded to the JVM
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    // the keeper and its JVM (not the containers, which are the keeper's other children)
                    List<ProcessHandle> keeper = process.children().toList();
                    List<ProcessHandle> jvm = keeper.stream().flatMap(ProcessHandle::children)
                            .filter(h -> h.info().command().map(c -> c.endsWith("java")).orElse(false)).toList();
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    jvm.forEach(ProcessHandle::destroyForcibly);
                    keeper.forEach(ProcessHandle::destroyForcibly);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
