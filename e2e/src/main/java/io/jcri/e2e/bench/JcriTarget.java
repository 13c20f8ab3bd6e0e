package io.jcri.e2e.bench;

import io.jcri.cri.v1.VersionRequest;
import io.jcri.e2e.harness.CriEndpoint;
import io.jcri.e2e.harness.JcriConfigFile;
import io.jcri.e2e.harness.JcriDaemon;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The jcri daemon (java -jar jcri.jar) with a CNI bridge network and the loopback registry as plain HTTP. */
public final class JcriTarget implements BenchTarget {
    private final Path base;
    private final JcriDaemon daemon;
    private final String cgroupParent;

    private JcriTarget(Path base, JcriDaemon daemon, String cgroupParent) {
        this.base = base;
        this.daemon = daemon;
        this.cgroupParent = cgroupParent;
    }

    /** Writes the config (registry, CNI conf dir) under {@code base} and starts the daemon there. */
    public static JcriTarget start(Path base, String registryHost, Path cniConfDir, String cgroupParent) throws IOException {
        Files.createDirectories(base);
        Path config = JcriConfigFile.write(base, registryHost, cniConfDir);
        // the same log level as containerd's default (info): debug would write a line per RPC
        JcriDaemon d = JcriDaemon.start(base.resolve("d"), "--config", config.toString(), "--log-level", "info");
        return new JcriTarget(base, d, cgroupParent);
    }

    @Override
    public String name() {
        return "jcri";
    }

    @Override
    public CriEndpoint cri() {
        return daemon.endpoint();
    }

    /** The daemon and any process it started that still runs its own code (helpers), not container workloads. */
    @Override
    public List<Long> runtimePids() {
        List<Long> pids = new ArrayList<>();
        pids.add(daemon.pid());
        String base = daemon.base().toString();
        for (long pid : Procs.find(args -> String.join(" ", args).contains(base))) {
            if (pid != daemon.pid()) {
                pids.add(pid);
            }
        }
        return pids;
    }

    @Override
    public List<Long> sandboxPids() {
        return List.of();
    }

    @Override
    public Path logRoot() {
        return base.resolve("logs");
    }

    @Override
    public String cgroupParent() {
        return cgroupParent;
    }

    @Override
    public Path rootDir() {
        return daemon.base().resolve("root");
    }

    @Override
    public String version() {
        var v = cri().runtime().version(VersionRequest.getDefaultInstance());
        return v.getRuntimeName() + " " + v.getRuntimeVersion();
    }

    /** The daemon's JVM, the containers' parent (the launched process is jcri-subreaper, the JVM's parent). */
    @Override
    public long daemonPid() {
        return daemon.daemonPid();
    }

    public String log() {
        return daemon.log();
    }

    /** The daemon's Prometheus metrics now. */
    public io.jcri.e2e.harness.PrometheusScrape metrics() throws IOException, InterruptedException {
        return io.jcri.e2e.harness.PrometheusScrape.fetch(daemon.metricsPort());
    }

    @Override
    public void close() {
        daemon.close();
    }
}
