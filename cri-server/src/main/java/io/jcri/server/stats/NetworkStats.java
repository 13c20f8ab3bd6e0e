package io.jcri.server.stats;

import io.jcri.cri.v1.NetworkInterfaceUsage;
import io.jcri.cri.v1.NetworkUsage;
import io.jcri.cri.v1.UInt64Value;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A pod's network counters, read from {@code /proc/<pid>/net/dev} of a process in the pod's network namespace
 * (any of its running containers): no setns, no netlink. {@code eth0} (the CNI interface) is the default
 * interface, as in containerd; loopback is left out.
 */
final class NetworkStats {
    static final String DEFAULT_INTERFACE = "eth0";

    private NetworkStats() {
    }

    static NetworkUsage read(long pid, long timestampNanos) throws IOException {
        return parse(Files.readAllLines(Path.of("/proc", Long.toString(pid), "net", "dev")), timestampNanos);
    }

    /** The two header lines, then {@code name: rx_bytes packets errs drop fifo frame compressed multicast tx_bytes packets errs ...}. */
    static NetworkUsage parse(List<String> lines, long timestampNanos) {
        NetworkUsage.Builder b = NetworkUsage.newBuilder().setTimestamp(timestampNanos);
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            String[] f = line.substring(colon + 1).trim().split("\\s+");
            if (name.equals("lo") || f.length < 11) {
                continue;
            }
            NetworkInterfaceUsage iface = NetworkInterfaceUsage.newBuilder()
                    .setName(name)
                    .setRxBytes(u64(f[0]))
                    .setRxErrors(u64(f[2]))
                    .setTxBytes(u64(f[8]))
                    .setTxErrors(u64(f[10]))
                    .build();
            if (name.equals(DEFAULT_INTERFACE)) {
                b.setDefaultInterface(iface);
            } else {
                b.addInterfaces(iface);
            }
        }
        return b.build();
    }

    private static UInt64Value u64(String s) {
        return UInt64Value.newBuilder().setValue(Long.parseUnsignedLong(s)).build();
    }
}
