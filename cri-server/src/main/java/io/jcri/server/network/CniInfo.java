package io.jcri.server.network;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CNI state in the shapes containerd's verbose answers give it (go-cni's structs through Go's encoding/json,
 * so CamelCase keys): {@link #config} is {@code crictl info}'s {@code cniconfig}, {@link #result} is
 * {@code crictl inspectp}'s {@code info.cniResult}. What operators read when NetworkReady is false, and scripts
 * read to find a pod's address ({@code .info.cniResult.Interfaces.eth0.IPConfigs[0].IP}).
 */
public final class CniInfo {
    /** go-cni marshals plugin configs from Go maps: keys sorted. */
    private static final ObjectMapper SORTED = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private CniInfo() {
    }

    /**
     * go-cni's ConfigResult: the plugin dirs, the conf dir, at most one network besides loopback (jcri uses the
     * first valid file, as containerd's default {@code max_conf_num = 1}), each with its interface name. As on
     * containerd, loopback comes first and is always there; the pod network only when one is loaded.
     */
    static Map<String, Object> config(List<Path> binDirs, Path confDir, ObjectNode loopback,
                                      CniNetworkConfig network) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("PluginDirs", binDirs.stream().map(Path::toString).toList());
        m.put("PluginConfDir", confDir.toString());
        m.put("PluginMaxConfNum", 1);
        m.put("Prefix", "eth");
        List<Object> networks = new ArrayList<>();
        networks.add(network(loopback.path("name").asText(), loopback.path("cniVersion").asText(),
                pluginsOf(loopback), loopback.toString(), "lo"));
        if (network != null) {
            networks.add(network(network.name(), network.cniVersion(), network.plugins(), source(network.source()),
                    PodNetwork.POD_INTERFACE));
        }
        m.put("Networks", networks);
        return m;
    }

    private static List<ObjectNode> pluginsOf(ObjectNode conflist) {
        List<ObjectNode> plugins = new ArrayList<>();
        conflist.path("plugins").forEach(p -> plugins.add((ObjectNode) p));
        return plugins;
    }

    private static Map<String, Object> network(String name, String version, List<ObjectNode> plugins,
                                               String source, String ifName) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("Name", name);
        config.put("CNIVersion", version);
        List<Object> list = new ArrayList<>();
        for (ObjectNode plugin : plugins) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("Network", netConf(plugin));
            p.put("Source", sorted(plugin));
            list.add(p);
        }
        config.put("Plugins", list);
        config.put("Source", source);
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("Config", config);
        n.put("IFName", ifName);
        return n;
    }

    /** libcni's types.NetConf of one plugin: the fields it types (omitempty), not the plugin's own settings. */
    private static Map<String, Object> netConf(ObjectNode plugin) {
        Map<String, Object> m = new LinkedHashMap<>();
        putText(m, "cniVersion", plugin.path("cniVersion"));
        putText(m, "name", plugin.path("name"));
        putText(m, "type", plugin.path("type"));
        if (plugin.path("capabilities").isObject() && !plugin.path("capabilities").isEmpty()) {
            m.put("capabilities", SORTED.convertValue(plugin.get("capabilities"), TreeMap.class));
        }
        Map<String, Object> ipam = new LinkedHashMap<>();
        putText(ipam, "type", plugin.path("ipam").path("type"));
        m.put("ipam", ipam);
        m.put("dns", dns(plugin.path("dns")));
        return m;
    }

    /**
     * go-cni's Result: every interface of every ADD result by name (the pod's {@code eth0} and {@code lo}, the
     * host's bridge and veth) with its addresses, then each result's DNS and all routes.
     *
     * @param results the ADD results in the order they ran (loopback first)
     */
    static Map<String, Object> result(List<JsonNode> results) {
        Map<String, Object> interfaces = new TreeMap<>();
        List<Object> dns = new ArrayList<>();
        List<Object> routes = new ArrayList<>();
        for (JsonNode r : results) {
            List<String> names = new ArrayList<>();
            for (JsonNode i : r.path("interfaces")) {
                String name = i.path("name").asText();
                names.add(name);
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("IPConfigs", null);
                c.put("Mac", i.path("mac").asText(""));
                c.put("Sandbox", i.path("sandbox").asText(""));
                interfaces.put(name, c);
            }
            for (JsonNode ip : r.path("ips")) {
                JsonNode index = ip.get("interface");
                if (index == null || !index.canConvertToInt() || index.asInt() < 0 || index.asInt() >= names.size()) {
                    continue; // go-cni attaches an address only to the interface it names
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> c = (Map<String, Object>) interfaces.get(names.get(index.asInt()));
                @SuppressWarnings("unchecked") // a null value counts as absent
                List<Object> configs = (List<Object>) c.computeIfAbsent("IPConfigs", k -> new ArrayList<>());
                Map<String, Object> ipc = new LinkedHashMap<>();
                String address = ip.path("address").asText("");
                ipc.put("IP", address.contains("/") ? address.substring(0, address.indexOf('/')) : address);
                ipc.put("Gateway", ip.path("gateway").asText(""));
                configs.add(ipc);
            }
            dns.add(dns(r.path("dns")));
            for (JsonNode route : r.path("routes")) {
                Map<String, Object> m = new LinkedHashMap<>();
                putText(m, "dst", route.path("dst"));
                putText(m, "gw", route.path("gw"));
                routes.add(m);
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Interfaces", interfaces);
        m.put("DNS", dns);
        m.put("Routes", routes);
        return m;
    }

    private static Map<String, Object> dns(JsonNode d) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String key : List.of("nameservers", "domain", "search", "options")) {
            JsonNode v = d.path(key);
            if (v.isTextual() && !v.asText().isEmpty()) {
                m.put(key, v.asText());
            } else if (v.isArray() && !v.isEmpty()) {
                List<String> values = new ArrayList<>();
                v.forEach(x -> values.add(x.asText()));
                m.put(key, values);
            }
        }
        return m;
    }

    private static void putText(Map<String, Object> m, String key, JsonNode v) {
        if (v.isTextual() && !v.asText().isEmpty()) {
            m.put(key, v.asText());
        }
    }

    private static String sorted(ObjectNode plugin) {
        try {
            return SORTED.writeValueAsString(SORTED.treeToValue(plugin, Object.class));
        } catch (JsonProcessingException e) {
            return plugin.toString();
        }
    }

    private static String source(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
