package io.jcri.server.network;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** go-cni's shapes, checked against containerd 1.6.20's answers for the same network on this machine. */
class CniInfoTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void resultIsGoCnisResultOfEveryAdd() throws Exception {
        JsonNode lo = JSON.readTree("""
                {"cniVersion":"1.0.0","interfaces":[{"name":"lo","mac":"00:00:00:00:00:00","sandbox":"/ns/x"}],
                 "ips":[{"interface":0,"address":"127.0.0.1/8"},{"interface":0,"address":"::1/128"}],"dns":{}}""");
        JsonNode eth0 = JSON.readTree("""
                {"cniVersion":"1.0.0","interfaces":[{"name":"br0","mac":"1e:d5:b8:a7:5b:6d"},
                 {"name":"veth4262d9e1","mac":"d6:e4:9b:01:01:95"},
                 {"name":"eth0","mac":"ea:75:0a:98:44:d7","sandbox":"/ns/x"}],
                 "ips":[{"interface":2,"address":"10.239.77.2/24","gateway":"10.239.77.1"}],
                 "routes":[{"dst":"0.0.0.0/0"}],"dns":{}}""");
        String json = JSON.writeValueAsString(CniInfo.result(List.of(lo, eth0)));
        assertThat(json).isEqualTo("{\"Interfaces\":{"
                + "\"br0\":{\"IPConfigs\":null,\"Mac\":\"1e:d5:b8:a7:5b:6d\",\"Sandbox\":\"\"},"
                + "\"eth0\":{\"IPConfigs\":[{\"IP\":\"10.239.77.2\",\"Gateway\":\"10.239.77.1\"}],"
                + "\"Mac\":\"ea:75:0a:98:44:d7\",\"Sandbox\":\"/ns/x\"},"
                + "\"lo\":{\"IPConfigs\":[{\"IP\":\"127.0.0.1\",\"Gateway\":\"\"},{\"IP\":\"::1\",\"Gateway\":\"\"}],"
                + "\"Mac\":\"00:00:00:00:00:00\",\"Sandbox\":\"/ns/x\"},"
                + "\"veth4262d9e1\":{\"IPConfigs\":null,\"Mac\":\"d6:e4:9b:01:01:95\",\"Sandbox\":\"\"}},"
                + "\"DNS\":[{},{}],\"Routes\":[{\"dst\":\"0.0.0.0/0\"}]}");
    }

    @Test
    void configIsGoCnisConfigResult() throws Exception {
        Path file = dir.resolve("10-e2e.conflist");
        String text = """
                {"cniVersion": "1.0.0", "name": "jcri-e2e", "plugins": [
                  {"type": "bridge", "bridge": "br0", "isGateway": true, "ipMasq": false,
                   "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.239.77.0/24"}]]}},
                  {"type": "portmap", "capabilities": {"portMappings": true}}
                ]}
                """;
        Files.writeString(file, text);
        CniNetworkConfig network = CniConfigLoader.parse(file);
        ObjectNode loopback = (ObjectNode) JSON.readTree(
                "{\"cniVersion\":\"1.0.0\",\"name\":\"cni-loopback\",\"plugins\":[{\"type\":\"loopback\"}]}");
        JsonNode c = JSON.valueToTree(CniInfo.config(List.of(Path.of("/usr/lib/cni")), dir, loopback, network));
        assertThat(c.get("PluginDirs").toString()).isEqualTo("[\"/usr/lib/cni\"]");
        assertThat(c.get("PluginConfDir").asText()).isEqualTo(dir.toString());
        assertThat(c.get("PluginMaxConfNum").asInt()).isEqualTo(1);
        assertThat(c.get("Prefix").asText()).isEqualTo("eth");
        // containerd: {"Network":{"type":"loopback","ipam":{},"dns":{}},"Source":"{\"type\":\"loopback\"}"}
        assertThat(c.at("/Networks/0/Config/Plugins/0").toString())
                .isEqualTo("{\"Network\":{\"type\":\"loopback\",\"ipam\":{},\"dns\":{}},\"Source\":\"{\\\"type\\\":\\\"loopback\\\"}\"}");
        assertThat(c.at("/Networks/0/IFName").asText()).isEqualTo("lo");
        JsonNode net = c.at("/Networks/1");
        assertThat(net.get("IFName").asText()).isEqualTo("eth0");
        assertThat(net.at("/Config/Name").asText()).isEqualTo("jcri-e2e");
        assertThat(net.at("/Config/CNIVersion").asText()).isEqualTo("1.0.0");
        assertThat(net.at("/Config/Source").asText()).isEqualTo(text);
        // containerd: keys sorted, as go-cni marshals the plugin's map
        assertThat(net.at("/Config/Plugins/0/Source").asText()).isEqualTo("{\"bridge\":\"br0\",\"ipMasq\":false,"
                + "\"ipam\":{\"ranges\":[[{\"subnet\":\"10.239.77.0/24\"}]],\"type\":\"host-local\"},"
                + "\"isGateway\":true,\"type\":\"bridge\"}");
        assertThat(net.at("/Config/Plugins/0/Network").toString())
                .isEqualTo("{\"type\":\"bridge\",\"ipam\":{\"type\":\"host-local\"},\"dns\":{}}");
        assertThat(net.at("/Config/Plugins/1/Network").toString())
                .isEqualTo("{\"type\":\"portmap\",\"capabilities\":{\"portMappings\":true},\"ipam\":{},\"dns\":{}}");
    }
}
