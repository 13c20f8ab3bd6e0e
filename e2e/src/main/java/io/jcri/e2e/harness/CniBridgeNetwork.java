package io.jcri.e2e.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A CNI conf dir holding one bridge + host-local + portmap conflist, on a bridge and /24 subnet of its own, as the
 * e2e tests and the benchmark give each runtime. Closing it deletes that bridge (only this one, by its name).
 */
public final class CniBridgeNetwork implements AutoCloseable {
    private final Path confDir;
    private final String bridge;
    private final String subnetPrefix;

    private CniBridgeNetwork(Path confDir, String bridge, String subnetPrefix) {
        this.confDir = confDir;
        this.bridge = bridge;
        this.subnetPrefix = subnetPrefix;
    }

    /**
     * Writes {@code dir/net.d/10-<name>.conflist} (IPAM state in {@code dir/ipam}).
     *
     * @param bridge       the bridge's name, at most 15 bytes, unique on the machine
     * @param subnetPrefix the first three octets of the /24, e.g. {@code 10.241.7}
     */
    public static CniBridgeNetwork create(Path dir, String name, String bridge, String subnetPrefix)
            throws IOException {
        if (bridge.length() > 15) {
            throw new IllegalArgumentException("bridge name " + bridge + " is longer than IFNAMSIZ-1");
        }
        Path netd = Files.createDirectories(dir.resolve("net.d"));
        Files.writeString(netd.resolve("10-" + name + ".conflist"), """
                {"cniVersion": "1.0.0", "name": "%s", "plugins": [
                  {"type": "bridge", "bridge": "%s", "isGateway": true, "ipMasq": false,
                   "ipam": {"type": "host-local", "dataDir": "%s", "ranges": [[{"subnet": "%s.0/24"}]],
                            "routes": [{"dst": "0.0.0.0/0"}]}},
                  {"type": "portmap", "capabilities": {"portMappings": true}}
                ]}
                """.formatted(name, bridge, dir.resolve("ipam"), subnetPrefix));
        return new CniBridgeNetwork(netd, bridge, subnetPrefix);
    }

    public Path confDir() {
        return confDir;
    }

    public String bridge() {
        return bridge;
    }

    public String subnetPrefix() {
        return subnetPrefix;
    }

    /** Deletes the bridge if the bridge plugin created it. */
    @Override
    public void close() {
        try {
            Process p = new ProcessBuilder("ip", "link", "del", bridge).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            // no ip binary: nothing was created either
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
