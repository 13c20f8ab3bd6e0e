package io.jcri.server.network;

/** A hostPort of a pod: {@code hostIp:hostPort} on the node forwarded to {@code containerPort} in the pod. */
public record PortMapping(int hostPort, int containerPort, String protocol, String hostIp) {
    public PortMapping {
        if (hostPort < 1 || hostPort > 65535 || containerPort < 1 || containerPort > 65535) {
            throw new IllegalArgumentException("port mapping " + hostPort + "->" + containerPort
                    + " is out of the port range 1-65535");
        }
        protocol = protocol == null || protocol.isEmpty() ? "tcp" : protocol.toLowerCase(java.util.Locale.ROOT);
        hostIp = hostIp == null ? "" : hostIp;
    }
}
