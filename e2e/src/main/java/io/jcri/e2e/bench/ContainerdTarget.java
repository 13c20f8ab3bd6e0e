package io.jcri.e2e.bench;

import io.grpc.StatusRuntimeException;
import io.jcri.cri.v1.RuntimeServiceGrpc;
import io.jcri.cri.v1.VersionRequest;
import io.jcri.e2e.harness.CriEndpoint;
import io.jcri.e2e.harness.Deadline;
import io.jcri.image.testkit.ManifestFormat;
import io.jcri.image.testkit.TestImageBuilder;
import io.jcri.image.testkit.TestLayers;
import io.jcri.image.testkit.TestRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's containerd (1.6, config {@code version = 2}) with its CRI plugin and runc, on its own root, state and
 * socket under a base directory: the sandbox image comes from the loopback registry, OOM score adjustments are
 * clamped (this machine cannot lower oom_score_adj), cgroupfs, netns mounts under the state directory, the same
 * CNI plugins as jcri.
 */
public final class ContainerdTarget implements BenchTarget {
    static final Path BINARY = Path.of("/usr/bin/containerd");
    /** The sandbox image's entrypoint: a pause that ends on SIGTERM, as registry.k8s.io/pause does. */
    static final String PAUSE_SCRIPT = "trap 'exit 0' TERM INT; sleep 2147483647 & wait";

    /** Pushes the sandbox ("pause") image containerd needs (busybox running {@link #PAUSE_SCRIPT}); returns its reference. */
    public static String pushSandboxImage(TestRegistry registry, String repository) throws IOException {
        TestImageBuilder.image().layer(TestLayers.busybox()).entrypoint("sh", "-c", PAUSE_SCRIPT)
                .push(registry, repository, "1.0", ManifestFormat.OCI);
        return registry.host() + "/" + repository + ":1.0";
    }

    private final Path base;
    private final Path socket;
    private final Process process;
    private final String cgroupParent;
    private CriEndpoint endpoint;

    private ContainerdTarget(Path base, Path socket, Process process, String cgroupParent) {
        this.base = base;
        this.socket = socket;
        this.process = process;
        this.cgroupParent = cgroupParent;
    }

    static String config(Path base, String registryHost, String sandboxImage, Path cniConfDir) {
        return """
                version = 2
                root = "%1$s/root"
                state = "%1$s/state"
                oom_score = 0

                [grpc]
                  address = "%1$s/containerd.sock"

                [plugins."io.containerd.internal.v1.opt"]
                  path = "%1$s/opt"

                [plugins."io.containerd.grpc.v1.cri"]
                  sandbox_image = "%2$s"
                  restrict_oom_score_adj = true
                  netns_mounts_under_state_dir = true
                  stream_server_address = "127.0.0.1"
                  stream_server_port = "0"
                  systemd_cgroup = false

                  [plugins."io.containerd.grpc.v1.cri".cni]
                    bin_dir = "/usr/lib/cni"
                    conf_dir = "%3$s"
                    max_conf_num = 1

                  [plugins."io.containerd.grpc.v1.cri".containerd]
                    snapshotter = "overlayfs"
                    default_runtime_name = "runc"

                    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
                      runtime_type = "io.containerd.runc.v2"

                      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
                        SystemdCgroup = false
                        Root = "%1$s/runc"

                  [plugins."io.containerd.grpc.v1.cri".registry]
                    config_path = "%1$s/certs.d"
                """.formatted(base, sandboxImage, cniConfDir);
    }

    /** Writes the config and hosts.toml (the registry as plain HTTP) under {@code base} and starts containerd. */
    public static ContainerdTarget start(Path base, String registryHost, String sandboxImage, Path cniConfDir,
                                  String cgroupParent) throws IOException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " missing: apt-get install containerd runc");
        }
        Files.createDirectories(base);
        Path hosts = Files.createDirectories(base.resolve("certs.d").resolve(registryHost));
        Files.writeString(hosts.resolve("hosts.toml"), """
                server = "http://%1$s"

                [host."http://%1$s"]
                  capabilities = ["pull", "resolve"]
                """.formatted(registryHost));
        Path config = base.resolve("config.toml");
        Files.writeString(config, config(base, registryHost, sandboxImage, cniConfDir));
        Path socket = base.resolve("containerd.sock");
        Process p = new ProcessBuilder(BINARY.toString(), "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(base.resolve("containerd.log").toFile()).start();
        ContainerdTarget t = new ContainerdTarget(base, socket, p, cgroupParent);
        try {
            Deadline.await(Duration.ofSeconds(60), "containerd to serve on " + socket, () -> {
                if (!p.isAlive()) {
                    throw new IllegalStateException("containerd exited with " + p.exitValue() + ":\n" + t.log());
                }
                return Files.exists(socket) && t.answersVersion();
            });
        } catch (RuntimeException | Error e) {
            t.close();
            throw e;
        }
        return t;
    }

    private boolean answersVersion() {
        try {
            RuntimeServiceGrpc.newBlockingStub(cri().channel()).withDeadlineAfter(2, TimeUnit.SECONDS)
                    .version(VersionRequest.getDefaultInstance());
            return true;
        } catch (StatusRuntimeException e) {
            return false;
        }
    }

    public String log() {
        try {
            return Files.readString(base.resolve("containerd.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public String name() {
        return "containerd";
    }

    @Override
    public synchronized CriEndpoint cri() {
        if (endpoint == null) {
            endpoint = CriEndpoint.connect(socket);
        }
        return endpoint;
    }

    /** containerd plus its shims (containerd-shim-runc-v2 ... -address OUR_SOCKET). */
    @Override
    public List<Long> runtimePids() {
        List<Long> pids = new ArrayList<>();
        pids.add(process.pid());
        pids.addAll(shimPids());
        return pids;
    }

    @Override
    public long daemonPid() {
        return process.pid();
    }

    public List<Long> shimPids() {
        String address = socket.toString();
        return Procs.find(args -> args.get(0).contains("containerd-shim") && args.contains(address));
    }

    /** The sandbox (pause) processes: the shims' children that run the sandbox image's entrypoint. */
    @Override
    public List<Long> sandboxPids() {
        List<Long> shims = shimPids();
        // one shim per pod; its first child is the sandbox's init (the pause process); containers are siblings
        return Procs.find(args -> args.size() >= 3 && args.get(0).equals("sh")
                        && args.get(2).equals(PAUSE_SCRIPT))
                .stream().filter(pid -> shims.contains(Procs.parentPid(pid))).toList();
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
        return base.resolve("root");
    }

    @Override
    public String version() {
        var v = cri().runtime().version(VersionRequest.getDefaultInstance());
        return v.getRuntimeName() + " " + v.getRuntimeVersion();
    }

    /** Stops containerd by its PID (SIGTERM, then SIGKILL after 20 s). Shims are left to the caller's teardown. */
    @Override
    public synchronized void close() {
        if (endpoint != null) {
            endpoint.close();
            endpoint = null;
        }
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
