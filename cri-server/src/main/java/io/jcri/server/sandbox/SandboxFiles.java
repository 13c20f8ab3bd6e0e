package io.jcri.server.sandbox;

import io.jcri.cri.v1.DNSConfig;
import io.jcri.cri.v1.PodSandboxConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The files a pod's containers see as {@code /etc/hostname}, {@code /etc/hosts} and {@code /etc/resolv.conf},
 * written once per sandbox from its config.
 */
public final class SandboxFiles {
    static final Path HOST_RESOLV_CONF = Path.of("/etc/resolv.conf");

    private SandboxFiles() {
    }

    public static Path hostname(Path dir) {
        return dir.resolve("hostname");
    }

    public static Path hosts(Path dir) {
        return dir.resolve("hosts");
    }

    public static Path resolvConf(Path dir) {
        return dir.resolve("resolv.conf");
    }

    static void write(Path dir, PodSandboxConfig config, String hostname) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(hostname(dir), hostname + "\n");
        Files.writeString(hosts(dir), """
                127.0.0.1\tlocalhost
                ::1\tlocalhost ip6-localhost ip6-loopback
                fe00::0\tip6-localnet
                ff00::0\tip6-mcastprefix
                ff02::1\tip6-allnodes
                ff02::2\tip6-allrouters
                """);
        Files.writeString(resolvConf(dir), resolvConf(config.getDnsConfig()));
    }

    /**
     * The DNS config as resolv.conf (as containerd's {@code parseDNSOptions}: search, nameserver lines, options);
     * the node's own resolv.conf when the pod gives none. Entries were checked by {@link DnsConfigCheck}.
     */
    static String resolvConf(DNSConfig dns) throws IOException {
        if (dns.getServersCount() == 0 && dns.getSearchesCount() == 0 && dns.getOptionsCount() == 0) {
            return Files.isRegularFile(HOST_RESOLV_CONF) ? Files.readString(HOST_RESOLV_CONF) : "";
        }
        StringBuilder sb = new StringBuilder();
        if (dns.getSearchesCount() > 0) {
            sb.append("search ").append(String.join(" ", dns.getSearchesList())).append('\n');
        }
        for (String server : dns.getServersList()) {
            sb.append("nameserver ").append(server).append('\n');
        }
        List<String> options = dns.getOptionsList();
        if (!options.isEmpty()) {
            sb.append("options ").append(String.join(" ", options)).append('\n');
        }
        return sb.toString();
    }
}
