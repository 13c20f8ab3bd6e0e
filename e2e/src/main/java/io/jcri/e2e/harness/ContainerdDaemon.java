package io.jcri.e2e.harness;

import io.jcri.image.testkit.ManifestFormat;
import io.jcri.image.testkit.TestImageBuilder;
import io.jcri.image.testkit.TestLayers;
import io.jcri.image.testkit.TestRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's containerd (1.6, config {@code version = 2}; or a containerd 2.x binary unpacked from Debian unstable
 * by {@code e2e/fetch-containerd2.sh}, config {@code version = 3}) with its CRI plugin and runc, started on its own config
 * file, root, state, socket and runc root under a base directory, so it needs no system configuration and never
 * meets a system containerd: the sandbox image comes from a loopback registry (plain HTTP through
 * {@code certs.d/<host>/hosts.toml}), OOM score adjustments are clamped (this machine cannot lower
 * oom_score_adj), cgroupfs, netns mounts under the state directory, CNI plugins from {@code /usr/lib/cni}.
 * Closing it stops containerd by its PID; the shims of pods that were not removed are the caller's
 * ({@link #shimPids()}).
 */
public final class ContainerdDaemon implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/containerd");
    /** The sandbox image's entrypoint: a pause that ends on SIGTERM, as registry.k8s.io/pause does. */
    public static final String PAUSE_SCRIPT = "trap 'exit 0' TERM INT; sleep 2147483647 & wait";

    /** Pushes the sandbox ("pause") image containerd needs (busybox running {@link #PAUSE_SCRIPT}); its reference. */
    public static String pushSandboxImage(TestRegistry registry, String repository) throws IOException {
        TestImageBuilder.image().layer(TestLayers.busybox()).entrypoint("sh", "-c", PAUSE_SCRIPT)
                .push(registry, repository, "1.0", ManifestFormat.OCI);
        return registry.host() + "/" + repository + ":1.0";
    }

    private final Path base;
    private final Path socket;
    private final Process process;
    private CriEndpoint endpoint;

    private ContainerdDaemon(Path base, Path socket, Process process) {
        this.base = base;
        this.socket = socket;
        this.process = process;
    }

    /**
     * containerd 2.x's config (version 3): the CRI plugin is split into {@code io.containerd.cri.v1.images}
     * (snapshotter, sandbox image as the pinned {@code sandbox} image, registry hosts) and
     * {@code io.containerd.cri.v1.runtime} (runtimes, CNI, OOM and netns settings); the streaming server stays
     * under {@code io.containerd.grpc.v1.cri}. NRI is off: its default socket is a fixed system path.
     */
    static String configV3(Path base, String sandboxImage, Path cniConfDir) {
        return """
                version = 3
                root = "%1$s/root"
                state = "%1$s/state"
                oom_score = 0

                [grpc]
                  address = "%1$s/containerd.sock"

                [plugins."io.containerd.internal.v1.opt"]
                  path = "%1$s/opt"

                [plugins."io.containerd.nri.v1.nri"]
                  disable = true

                [plugins."io.containerd.cri.v1.images"]
                  snapshotter = "overlayfs"

                  [plugins."io.containerd.cri.v1.images".pinned_images]
                    sandbox = "%2$s"

                  [plugins."io.containerd.cri.v1.images".registry]
                    config_path = "%1$s/certs.d"

                [plugins."io.containerd.cri.v1.runtime"]
                  restrict_oom_score_adj = true
                  netns_mounts_under_state_dir = true

                  [plugins."io.containerd.cri.v1.runtime".cni]
                    bin_dirs = ["/usr/lib/cni"]
                    conf_dir = "%3$s"
                    max_conf_num = 1

                  [plugins."io.containerd.cri.v1.runtime".containerd]
                    default_runtime_name = "runc"

                    [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]
                      runtime_type = "io.containerd.runc.v2"

                      [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
                        SystemdCgroup = false
                        Root = "%1$s/runc"

                [plugins."io.containerd.grpc.v1.cri"]
                  stream_server_address = "127.0.0.1"
                  stream_server_port = "0"
                """.formatted(base, sandboxImage, cniConfDir);
    }

    static String config(Path base, String sandboxImage, Path cniConfDir) {
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

    /**
     * Writes the config and hosts.toml (the registry as plain HTTP) under {@code base}, starts containerd and
     * waits until its CRI plugin answers Version.
     */
    public static ContainerdDaemon start(Path base, String registryHost, String sandboxImage, Path cniConfDir)
            throws IOException {
        return start(base, registryHost, sandboxImage, cniConfDir, BINARY);
    }

    /**
     * The same with another containerd binary: a 2.x one gets the version 3 config, and its own directory leads
     * {@code PATH} so that it starts the shim ({@code containerd-shim-runc-v2}) that came with it.
     */
    public static ContainerdDaemon start(Path base, String registryHost, String sandboxImage, Path cniConfDir,
                                         Path binary) throws IOException {
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(binary + " missing: apt-get install containerd runc"
                    + (binary.equals(BINARY) ? "" : " (or e2e/fetch-containerd2.sh for a 2.x binary)"));
        }
        boolean v2 = majorVersion(binary) >= 2;
        Files.createDirectories(base);
        Path hosts = Files.createDirectories(base.resolve("certs.d").resolve(registryHost));
        Files.writeString(hosts.resolve("hosts.toml"), """
                server = "http://%1$s"

                [host."http://%1$s"]
                  capabilities = ["pull", "resolve"]
                """.formatted(registryHost));
        Path config = base.resolve("config.toml");
        Files.writeString(config, v2 ? configV3(base, sandboxImage, cniConfDir)
                : config(base, sandboxImage, cniConfDir));
        Path socket = base.resolve("containerd.sock");
        ProcessBuilder pb = new ProcessBuilder(binary.toString(), "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(base.resolve("containerd.log").toFile());
        pb.environment().put("PATH", binary.getParent() + ":" + pb.environment().getOrDefault("PATH",
                "/usr/sbin:/usr/bin:/sbin:/bin"));
        Process p = pb.start();
        ContainerdDaemon d = new ContainerdDaemon(base, socket, p);
        try {
            Deadline.await(Duration.ofSeconds(60), "containerd to serve on " + socket, () -> {
                if (!p.isAlive()) {
                    throw new IllegalStateException("containerd exited with " + p.exitValue() + ":\n" + d.log());
                }
                return Files.exists(socket) && d.endpoint().answersVersion();
            });
        } catch (RuntimeException | Error e) {
            d.close();
            throw e;
        }
        return d;
    }


    /** The major version {@code containerd --version} prints ({@code containerd github.com/... 2.1.9 ...}). */
    public static int majorVersion(Path binary) throws IOException {
        Process p = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(" v?(\\d+)\\.\\d+").matcher(out);
        if (!m.find()) {
            throw new IOException(binary + " --version printed no version: " + out.strip());
        }
        return Integer.parseInt(m.group(1));
    }

    public String log() {
        try {
            return Files.readString(base.resolve("containerd.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    public synchronized CriEndpoint endpoint() {
        if (endpoint == null) {
            endpoint = CriEndpoint.connect(socket);
        }
        return endpoint;
    }

    public Path socket() {
        return socket;
    }

    public Path base() {
        return base;
    }

    public Path rootDir() {
        return base.resolve("root");
    }

    public long pid() {
        return process.pid();
    }

    /** This containerd's shims: {@code containerd-shim-runc-v2 ... -address OUR_SOCKET}, one per pod. */
    public List<Long> shimPids() {
        String address = socket.toString();
        return ProcTable.find(args -> args.get(0).contains("containerd-shim") && args.contains(address));
    }

    /** Stops containerd by its PID (SIGTERM, then SIGKILL after 20 s). Shims are left to the caller. */
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
