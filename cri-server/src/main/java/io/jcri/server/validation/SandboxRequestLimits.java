package io.jcri.server.validation;

import io.jcri.cri.v1.PodSandboxConfig;
import io.jcri.cri.v1.PodSandboxMetadata;
import io.jcri.cri.v1.PortMapping;
import io.jcri.server.grpc.CriException;
import io.jcri.server.grpc.Quoted;

/**
 * What RunPodSandbox checks of its config before it creates anything: sizes of the names that go into CNI
 * arguments, files and logs, the cgroup parent, the log directory, port numbers and id ranges. (Hostname and DNS
 * have their own checks.)
 */
public final class SandboxRequestLimits {
    private static final String RPC = "RunPodSandbox";

    private SandboxRequestLimits() {
    }

    public static void check(PodSandboxConfig config) {
        PodSandboxMetadata m = config.getMetadata();
        Sizes.atMost(RPC, "config.metadata.name", m.getName(), Sizes.NAME);
        Sizes.atMost(RPC, "config.metadata.namespace", m.getNamespace(), Sizes.NAME);
        Sizes.atMost(RPC, "config.metadata.uid", m.getUid(), Sizes.UID);
        Sizes.map(RPC, "config.labels", config.getLabelsMap(), Sizes.LABELS_TOTAL);
        Sizes.map(RPC, "config.annotations", config.getAnnotationsMap(), Sizes.ANNOTATIONS_TOTAL);
        logDirectory(config.getLogDirectory());
        cgroupParent(config.getLinux().getCgroupParent());
        for (int i = 0; i < config.getPortMappingsCount(); i++) {
            port(config.getPortMappings(i), "config.port_mappings[" + i + "]");
        }
        IdRanges.sandbox(RPC, "config.linux.security_context", config.getLinux().getSecurityContext());
    }

    /** Kubelet gives an absolute directory; a relative one would be resolved against the daemon's cwd. */
    static void logDirectory(String dir) {
        if (dir.isEmpty()) {
            return;
        }
        Sizes.atMost(RPC, "config.log_directory", dir, Sizes.PATH);
        if (!dir.startsWith("/")) {
            throw CriException.invalidArgument(RPC + ": config.log_directory " + Quoted.of(dir)
                    + " is not an absolute path");
        }
        for (String part : dir.split("/")) {
            if (part.equals("..")) {
                throw CriException.invalidArgument(RPC + ": config.log_directory " + Quoted.of(dir)
                        + " has a \"..\" component");
            }
        }
    }

    /**
     * The cgroup parent becomes directories under each controller's mount: no ".." (it would leave the
     * hierarchy jcri manages), no component longer than NAME_MAX, and a bounded length.
     */
    static void cgroupParent(String parent) {
        if (parent.isEmpty()) {
            return;
        }
        Sizes.atMost(RPC, "config.linux.cgroup_parent", parent, 1024);
        for (String part : parent.split("/")) {
            if (part.equals("..") || part.equals(".")) {
                throw CriException.invalidArgument(RPC + ": config.linux.cgroup_parent " + Quoted.of(parent)
                        + " has a \"" + part + "\" component; it must name a cgroup below the hierarchy's root");
            }
            if (Sizes.utf8Length(part) > 255) {
                throw CriException.invalidArgument(RPC + ": config.linux.cgroup_parent has a component longer than"
                        + " 255 bytes");
            }
            if (part.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw CriException.invalidArgument(RPC + ": config.linux.cgroup_parent " + Quoted.of(parent)
                        + " has a control character");
            }
        }
    }

    private static void port(PortMapping pm, String field) {
        if (pm.getHostPort() < 0 || pm.getHostPort() > 65535) {
            throw CriException.invalidArgument(RPC + ": " + field + ".host_port is " + pm.getHostPort()
                    + ", a port is 0 to 65535");
        }
        if (pm.getContainerPort() < 0 || pm.getContainerPort() > 65535) {
            throw CriException.invalidArgument(RPC + ": " + field + ".container_port is " + pm.getContainerPort()
                    + ", a port is 0 to 65535");
        }
        Sizes.atMost(RPC, field + ".host_ip", pm.getHostIp(), 64);
    }
}
