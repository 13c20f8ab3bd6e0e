package io.jcri.server.sandbox;

import io.jcri.cri.v1.PodSandboxConfig;
import io.jcri.server.grpc.CriException;
import io.jcri.server.grpc.Quoted;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The pod's hostname, as containerd chooses it ({@code setupSandboxFiles} in its CRI plugin): the config's
 * {@code hostname} when set, else the node's. The same name goes into the pod's /etc/hostname, its containers'
 * {@code HOSTNAME} and, for a pod with its own network (and so UTS) namespace, the kernel hostname; a
 * host-network pod keeps the node's UTS namespace and only its /etc/hostname says what the config says.
 *
 * <p>containerd does not check the name and lets runc's sethostname fail (EINVAL past 64 bytes), and would write
 * a newline into /etc/hostname; jcri refuses such a name at the RPC instead, before anything is created.
 */
public final class PodHostname {
    /** The kernel's limit (HOST_NAME_MAX, sethostname(2)). */
    static final int MAX_BYTES = 64;
    /**
     * RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens, each at most 63. Dots are
     * allowed because kubelet gives a host-network pod the node's name, which may be a FQDN.
     */
    private static final Pattern NAME =
            Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    static final Path KERNEL_HOSTNAME = Path.of("/proc/sys/kernel/hostname");

    private PodHostname() {
    }

    /**
     * Refuses a hostname the kernel or /etc/hostname cannot hold; an empty one is the node's. A host-network pod
     * may also carry the node's own hostname as it is (kubelet sends it), whatever the node was named.
     */
    static void validate(String hostname, boolean hostNetwork) {
        if (hostname.isEmpty() || (hostNetwork && hostname.equals(node()))) {
            return;
        }
        int bytes = hostname.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw CriException.invalidArgument("RunPodSandbox: hostname " + Quoted.of(hostname) + " is " + bytes
                    + " bytes; the kernel takes at most " + MAX_BYTES);
        }
        if (!NAME.matcher(hostname).matches()) {
            throw CriException.invalidArgument("RunPodSandbox: hostname " + Quoted.of(hostname) + " is not an RFC 1123"
                    + " host name (dot-separated labels of letters, digits and inner hyphens)");
        }
    }

    /** The config's hostname, else the node's (the kernel hostname of jcri's own UTS namespace, like os.Hostname). */
    static String of(PodSandboxConfig config) {
        return config.getHostname().isEmpty() ? node() : config.getHostname();
    }

    static String node() {
        try {
            return Files.readString(KERNEL_HOSTNAME).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the node's hostname from " + KERNEL_HOSTNAME, e);
        }
    }
}
