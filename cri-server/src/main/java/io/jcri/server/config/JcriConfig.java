package io.jcri.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The whole daemon configuration, one TOML file. Every setting has a default, so the daemon runs with no
 * file at all; command-line flags override the file.
 */
public final class JcriConfig {
    @Setting("Directory for persistent data: images, layer snapshots, container writable layers.")
    @JsonProperty("root_dir")
    private Path rootDir = Path.of("/var/lib/jcri");

    @Setting("Directory for runtime state that does not survive a reboot: pinned namespaces, container state.")
    @JsonProperty("state_dir")
    private Path stateDir = Path.of("/run/jcri");

    @Setting("Unix socket that serves the CRI (kubelet: --container-runtime-endpoint=unix://<socket>).")
    @JsonProperty("socket")
    private Path socket = Path.of("/run/jcri/jcri.sock");

    @Setting("Log level: debug (one line per RPC), info, warn or error.")
    @JsonProperty("log_level")
    private LogLevel logLevel = LogLevel.INFO;

    @Setting("Seconds that in-flight RPCs get to finish after SIGTERM/SIGINT before they are cancelled.")
    @JsonProperty("shutdown_grace_seconds")
    private int shutdownGraceSeconds = 10;

    @JsonProperty("cgroup")
    private CgroupConfig cgroup = new CgroupConfig();

    @JsonProperty("runtime")
    private RuntimeSection runtime = new RuntimeSection();

    @JsonProperty("cni")
    private CniSection cni = new CniSection();

    @JsonProperty("metrics")
    private MetricsSection metrics = new MetricsSection();

    @JsonProperty("streaming")
    private StreamingSection streaming = new StreamingSection();

    @JsonProperty("image")
    private ImageStoreConfig image = new ImageStoreConfig();

    @Setting("Per registry host as written in image references (e.g. \"docker.io\", \"registry.k8s.io\"): mirrors,"
            + " plain HTTP, TLS verification, fallback.")
    @JsonProperty("registries")
    private Map<String, RegistryConfig> registries = new LinkedHashMap<>();

    public Path rootDir() {
        return rootDir;
    }

    public Path stateDir() {
        return stateDir;
    }

    public Path socket() {
        return socket;
    }

    public LogLevel logLevel() {
        return logLevel;
    }

    public int shutdownGraceSeconds() {
        return shutdownGraceSeconds;
    }

    public CgroupConfig cgroup() {
        return cgroup;
    }

    public RuntimeSection runtime() {
        return runtime;
    }

    public CniSection cni() {
        return cni;
    }

    public MetricsSection metrics() {
        return metrics;
    }

    public StreamingSection streaming() {
        return streaming;
    }

    public ImageStoreConfig image() {
        return image;
    }

    public Map<String, RegistryConfig> registries() {
        return registries;
    }

    void overrideRootDir(Path value) {
        rootDir = value;
    }

    void overrideStateDir(Path value) {
        stateDir = value;
    }

    void overrideSocket(Path value) {
        socket = value;
    }

    void overrideLogLevel(LogLevel value) {
        logLevel = value;
    }

    /** Rejects values that parse but cannot work. */
    void validate() {
        requireAbsolute("root_dir", rootDir);
        requireAbsolute("state_dir", stateDir);
        requireAbsolute("socket", socket);
        image.validate();
        streaming.validate();
        metrics.validate();
        if (shutdownGraceSeconds < 0) {
            throw new ConfigException("shutdown_grace_seconds must be >= 0, got " + shutdownGraceSeconds);
        }
    }

    private static void requireAbsolute(String name, Path value) {
        if (value == null || !value.isAbsolute()) {
            throw new ConfigException(name + " must be an absolute path, got '" + value + "'");
        }
    }
}
