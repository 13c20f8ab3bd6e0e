package io.jcri.server.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.jcri.cri.v1.LinuxContainerResources;
import io.jcri.cri.v1.NamespaceMode;
import io.jcri.cri.v1.PodSandboxConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * A pod sandbox: the config kubelet sent (kept as sent, so labels and annotations round-trip byte for byte),
 * when it was created, its state and its pod IPs.
 */
public final class Sandbox {
    private final String id;
    private final PodSandboxConfig config;
    private final long createdAtNanos;
    private final Path dir;
    private final String runtimeHandler;
    private volatile SandboxState state;
    private volatile List<String> ips;
    private volatile LinuxContainerResources podResources = LinuxContainerResources.getDefaultInstance();

    public Sandbox(String id, PodSandboxConfig config, long createdAtNanos, Path dir, String runtimeHandler,
                   SandboxState state, List<String> ips) {
        this.id = id;
        this.config = config;
        this.createdAtNanos = createdAtNanos;
        this.dir = dir;
        this.runtimeHandler = runtimeHandler;
        this.state = state;
        this.ips = List.copyOf(ips);
    }

    public String id() {
        return id;
    }

    public PodSandboxConfig config() {
        return config;
    }

    public long createdAtNanos() {
        return createdAtNanos;
    }

    /** Where the sandbox's hostname, hosts and resolv.conf files live. */
    public Path dir() {
        return dir;
    }

    public String runtimeHandler() {
        return runtimeHandler;
    }

    public SandboxState state() {
        return state;
    }

    public List<String> ips() {
        return ips;
    }

    void setState(SandboxState state) {
        this.state = state;
    }

    /** The pod-level resources kubelet last sent with UpdatePodSandboxResources (empty if never). */
    public LinuxContainerResources podResources() {
        return podResources;
    }

    void setPodResources(LinuxContainerResources resources) {
        this.podResources = resources;
    }

    void setIps(List<String> ips) {
        this.ips = List.copyOf(ips);
    }

    public boolean hostNetwork() {
        return config.getLinux().getSecurityContext().getNamespaceOptions().getNetwork() == NamespaceMode.NODE;
    }

    /** kubelet's identity of the pod: name, namespace, uid and attempt. */
    public String fullName() {
        var m = config.getMetadata();
        return m.getName() + "_" + m.getNamespace() + "_" + m.getUid() + "_" + m.getAttempt();
    }

    Record toRecord() {
        return new Record(id, config.toByteArray(), createdAtNanos, dir.toString(), runtimeHandler, state, ips,
                podResources.toByteArray());
    }

    static Sandbox fromRecord(Record r) {
        try {
            Sandbox s = new Sandbox(r.id(), PodSandboxConfig.parseFrom(r.config()), r.createdAtNanos(),
                    Path.of(r.dir()), r.runtimeHandler() == null ? "" : r.runtimeHandler(), r.state(),
                    r.ips() == null ? List.of() : r.ips());
            if (r.podResources() != null) {
                s.setPodResources(LinuxContainerResources.parseFrom(r.podResources()));
            }
            return s;
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt sandbox record " + r.id(), e);
        }
    }

    /** The persisted form. */
    record Record(String id, byte[] config, long createdAtNanos, String dir, String runtimeHandler,
                  SandboxState state, List<String> ips, byte[] podResources) {
    }
}
