package io.jcri.runtime.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * lo brought up in-process against the oracle, Debian's CNI loopback plugin: two fresh network namespaces, one
 * through each, must look the same from the host ({@code ip -n NS addr show lo}) and report the same addresses.
 */
class PodLoopbackTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path LOOPBACK_PLUGIN = Path.of("/usr/lib/cni/loopback");

    private final String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    private final List<String> made = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void deleteNamespaces() throws Exception {
        for (String ns : made) {
            run("ip", "netns", "del", ns);
        }
    }

    @Test
    void loLooksAsTheLoopbackPluginLeavesIt() throws Exception {
        String ours = netns("ours");
        String plugins = netns("plugin");
        assertThat(run("ip", "-n", ours, "-o", "link", "show", "lo")).doesNotContain(",UP");

        List<String> reported = PodLoopback.up(Path.of("/run/netns", ours));
        JsonNode pluginResult = JSON.readTree(plugin(plugins));

        assertThat(run("ip", "-n", ours, "-o", "link", "show", "lo")).contains("<LOOPBACK,UP,LOWER_UP>");
        assertThat(run("ip", "-n", ours, "addr", "show", "lo")).isEqualTo(run("ip", "-n", plugins, "addr", "show", "lo"));
        List<String> pluginAddresses = new ArrayList<>();
        pluginResult.path("ips").forEach(ip -> pluginAddresses.add(ip.path("address").asText()));
        assertThat(reported).isEqualTo(pluginAddresses).contains("127.0.0.1/8");
        if (run("ip", "-n", plugins, "-6", "addr", "show", "lo").contains("::1/128")) {
            assertThat(reported).contains("::1/128");
        }
        // a second call (a retried RunPodSandbox step) changes nothing and reports the same
        assertThat(PodLoopback.up(Path.of("/run/netns", ours))).isEqualTo(reported);
    }

    @Test
    void aPathThatIsNoNetworkNamespaceIsRefusedAndTheCallerKeepsItsOwn() throws Exception {
        String before = java.nio.file.Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
        Path notANetns = java.nio.file.Files.writeString(dir.resolve("plain"), "x");
        assertThatThrownBy(() -> PodLoopback.up(notANetns)).hasMessageContaining("setns " + notANetns);
        assertThatThrownBy(() -> PodLoopback.up(dir.resolve("missing"))).hasMessageContaining("open");
        assertThat(java.nio.file.Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString())
                .isEqualTo(before);
    }

    @Test
    void warmUpLeavesTheCallersNamespaceAndTheHostsLoAsTheyWere() throws Exception {
        String before = java.nio.file.Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
        String hostLo = run("ip", "addr", "show", "lo");
        PodLoopback.warmUp();
        assertThat(java.nio.file.Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString())
                .isEqualTo(before);
        assertThat(run("ip", "addr", "show", "lo")).isEqualTo(hostLo);
    }

    @Test
    void canonicalIpv6Text() {
        assertThat(Ipv6Text.of("00000000000000000000000000000001")).isEqualTo("::1");
        assertThat(Ipv6Text.of("fe800000000000000000000000000001")).isEqualTo("fe80::1");
        assertThat(Ipv6Text.of("20010db8000000010000000000000000")).isEqualTo("2001:db8:0:1::");
        assertThat(Ipv6Text.of("20010db8000100010001000100010001")).isEqualTo("2001:db8:1:1:1:1:1:1");
        assertThat(Ipv6Text.of("20010db8000000000001000000000001")).isEqualTo("2001:db8::1:0:0:1");
    }

    private String netns(String what) throws Exception {
        String name = "jcri-lo-" + what + "-" + tag;
        run("ip", "netns", "add", name);
        made.add(name);
        return name;
    }

    private static String plugin(String ns) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(LOOPBACK_PLUGIN.toString()).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("CNI_COMMAND", "ADD");
        pb.environment().put("CNI_CONTAINERID", "jcri-lo-test");
        pb.environment().put("CNI_NETNS", "/run/netns/" + ns);
        pb.environment().put("CNI_IFNAME", "lo");
        pb.environment().put("CNI_PATH", LOOPBACK_PLUGIN.getParent().toString());
        Process p = pb.start();
        p.getOutputStream().write("{\"cniVersion\":\"1.0.0\",\"name\":\"cni-loopback\",\"type\":\"loopback\"}"
                .getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        return waitFor(p, "loopback ADD");
    }

    private static String run(String... cmd) throws Exception {
        return waitFor(new ProcessBuilder(cmd).redirectErrorStream(true).start(), String.join(" ", cmd));
    }

    private static String waitFor(Process p, String what) throws IOException, InterruptedException {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(what + " failed: " + out);
        }
        return out;
    }
}
