package io.jcri.server.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real CNI plugins (Debian's containernetworking-plugins) on a real network namespace and bridge. */
class PodNetworkTest {
    static final List<Path> BIN_DIRS = List.of(Path.of("/opt/cni/bin"), Path.of("/usr/lib/cni"));

    @TempDir
    Path dir;

    String tag;
    String bridge;
    String subnetPrefix;
    String netnsName;
    Path netns;
    Path confDir;
    Path ipamDir;
    Process server;

    @BeforeEach
    void setUp() throws Exception {
        tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        bridge = "jcrit" + tag;
        subnetPrefix = "10.235." + ThreadLocalRandom.current().nextInt(1, 254);
        netnsName = "jcri-test-" + tag;
        HostCommands.run("ip", "netns", "add", netnsName);
        netns = Path.of("/run/netns", netnsName);
        confDir = Files.createDirectories(dir.resolve("net.d"));
        ipamDir = dir.resolve("ipam");
        Files.writeString(confDir.resolve("10-test.conflist"), """
                {
                  "cniVersion": "1.0.0",
                  "name": "jcri-test",
                  "plugins": [
                    {
                      "type": "bridge", "bridge": "%s", "isGateway": true, "ipMasq": false,
                      "ipam": {"type": "host-local", "dataDir": "%s",
                               "ranges": [[{"subnet": "%s.0/24"}]], "routes": [{"dst": "0.0.0.0/0"}]}
                    },
                    {"type": "portmap", "capabilities": {"portMappings": true}, "snat": true}
                  ]
                }
                """.formatted(bridge, ipamDir, subnetPrefix));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.destroyForcibly();
            server.waitFor(10, TimeUnit.SECONDS);
        }
        try {
            network().detach("sb" + tag);
        } catch (RuntimeException ignored) {
            // the test may have broken the config on purpose; the netns and bridge go below anyway
        }
        HostCommands.quietly("ip", "netns", "del", netnsName);
        HostCommands.quietly("ip", "link", "del", bridge);
    }

    private PodNetwork network() {
        return new PodNetwork(confDir, BIN_DIRS, dir.resolve("cache"), Duration.ofSeconds(30));
    }

    @Test
    void readyWithAValidConfigAndItsPlugins() {
        PodNetwork.Readiness r = network().readiness();
        assertThat(r.ready()).as(r.message()).isTrue();
        assertThat(r.message()).contains("jcri-test");
    }

    @Test
    void notReadyWithoutConfig() throws Exception {
        Files.delete(confDir.resolve("10-test.conflist"));
        PodNetwork.Readiness r = network().readiness();
        assertThat(r.ready()).isFalse();
        assertThat(r.message()).contains("no network config found in " + confDir);
    }

    @Test
    void notReadyWhenAPluginIsMissing() throws Exception {
        Files.writeString(confDir.resolve("10-test.conflist"), """
                {"cniVersion": "1.0.0", "name": "odd", "plugins": [{"type": "no-such-plugin"}]}
                """);
        PodNetwork.Readiness r = network().readiness();
        assertThat(r.ready()).isFalse();
        assertThat(r.message()).contains("no-such-plugin");
    }

    @Test
    void brokenConfigIsSkippedWithAReason() throws Exception {
        Files.writeString(confDir.resolve("05-broken.conflist"), "{ not json");
        CniConfigLoader.Loaded loaded = CniConfigLoader.load(confDir);
        assertThat(loaded.network()).get().extracting(CniNetworkConfig::name).isEqualTo("jcri-test");
        assertThat(loaded.problems()).singleElement().asString().contains("05-broken.conflist");
    }

    @Test
    void addGivesThePodAnAddressReachableFromTheHostAndAHostPort() throws Exception {
        int hostPort = ThreadLocalRandom.current().nextInt(20000, 30000);
        CniResult result = network().attach(new PodNetworkRequest("sb" + tag, netns, "web", "default", "uid-" + tag,
                List.of(new PortMapping(hostPort, 8080, "TCP", ""))));
        assertThat(result.ips()).singleElement().asString().startsWith(subnetPrefix + ".");
        String podIp = result.ips().get(0);
        assertThat(HostCommands.run("ip", "netns", "exec", netnsName, "ip", "-4", "addr", "show", "eth0"))
                .contains(podIp + "/24");
        assertThat(HostCommands.run("ip", "netns", "exec", netnsName, "ip", "link", "show", "lo"))
                .contains("UP");
        // lo as the loopback plugin leaves it (PodLoopbackTest compares with the plugin itself), and reported so
        assertThat(HostCommands.run("ip", "-n", netnsName, "addr", "show", "lo")).contains("inet 127.0.0.1/8");
        com.fasterxml.jackson.databind.JsonNode info = new com.fasterxml.jackson.databind.ObjectMapper()
                .valueToTree(network().resultInfo("sb" + tag).orElseThrow());
        assertThat(info.at("/Interfaces/lo/IPConfigs/0/IP").asText()).isEqualTo("127.0.0.1");
        assertThat(info.at("/Interfaces/lo/Mac").asText()).isEqualTo("00:00:00:00:00:00");
        assertThat(info.at("/Interfaces/lo/Sandbox").asText()).isEqualTo(netns.toString());

        Path www = Files.createDirectories(dir.resolve("www"));
        Files.writeString(www.resolve("index.html"), "hello from " + tag);
        server = new ProcessBuilder("ip", "netns", "exec", netnsName, "/bin/busybox", "httpd", "-f", "-p", "8080",
                "-h", www.toString()).redirectErrorStream(true).start();

        assertThat(httpGet(podIp, 8080)).contains("hello from " + tag);
        assertThat(httpGet(subnetPrefix + ".1", hostPort)).contains("hello from " + tag);

        network().detach("sb" + tag);
        assertThat(HostCommands.run("iptables", "-t", "nat", "-S")).doesNotContain("--dport " + hostPort);
    }

    @Test
    void delAfterARestartReleasesTheAddressAndTheInterface() throws Exception {
        CniResult result = network().attach(new PodNetworkRequest("sb" + tag, netns, "p", "ns", "uid", List.of()));
        String podIp = result.ips().get(0);
        assertThat(ipamDir.resolve("jcri-test").resolve(podIp)).exists();

        PodNetwork restarted = network();
        assertThat(restarted.cachedResult("sb" + tag)).get().extracting(CniResult::ips).isEqualTo(List.of(podIp));
        restarted.check("sb" + tag);
        restarted.detach("sb" + tag);

        assertThat(ipamDir.resolve("jcri-test").resolve(podIp)).doesNotExist();
        assertThat(HostCommands.run("ip", "netns", "exec", netnsName, "ip", "link", "show")).doesNotContain("eth0");
        assertThat(restarted.cachedResult("sb" + tag)).isEmpty();
        restarted.detach("sb" + tag); // idempotent
    }

    @Test
    void aFailedAddIsUndoneAndReportsThePluginError() throws Exception {
        Files.writeString(confDir.resolve("10-test.conflist"), """
                {"cniVersion": "1.0.0", "name": "jcri-test", "plugins": [
                  {"type": "bridge", "bridge": "%s", "ipam": {"type": "host-local", "dataDir": "%s",
                   "ranges": [[{"subnet": "%s.0/24"}]]}},
                  {"type": "tuning", "sysctl": {"net.ipv4.no_such_sysctl": "1"}}
                ]}
                """.formatted(bridge, ipamDir, subnetPrefix));
        PodNetwork network = network();
        assertThatThrownBy(() -> network.attach(new PodNetworkRequest("sb" + tag, netns, "p", "ns", "uid", List.of())))
                .isInstanceOf(CniException.class)
                .hasMessageContaining("tuning");
        assertThat(HostCommands.run("ip", "netns", "exec", netnsName, "ip", "link", "show")).doesNotContain("eth0");
        assertThat(network.cachedResult("sb" + tag)).isEmpty();
        try (var files = Files.list(ipamDir.resolve("jcri-test"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.startsWith(subnetPrefix));
        }
    }

    private static String httpGet(String host, int port) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 1000);
                s.setSoTimeout(5000);
                s.getOutputStream().write(("GET / HTTP/1.0\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                try (InputStream in = s.getInputStream()) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            } catch (java.io.IOException e) {
                // the server inside the pod may not be listening yet
                if (System.nanoTime() > end) {
                    throw new AssertionError("no HTTP answer from " + host + ":" + port, e);
                }
                Thread.sleep(20);
            }
        }
    }
}
