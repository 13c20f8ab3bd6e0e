package io.jcri.server.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** The result of a network ADD: the raw JSON (passed on as prevResult) and the pod's IP addresses. */
public record CniResult(ObjectNode json) {
    /** The pod's addresses without prefix length, IPv4 first, as CRI's PodSandboxNetworkStatus wants them. */
    public List<String> ips() {
        List<String> v4 = new ArrayList<>();
        List<String> v6 = new ArrayList<>();
        for (JsonNode ip : json.path("ips")) {
            String address = ip.path("address").asText("");
            if (address.isEmpty()) {
                continue;
            }
            String bare = address.contains("/") ? address.substring(0, address.indexOf('/')) : address;
            (bare.contains(":") ? v6 : v4).add(bare);
        }
        // CNI spec < 0.3.0 results
        String legacy4 = json.path("ip4").path("ip").asText("");
        if (!legacy4.isEmpty()) {
            v4.add(legacy4.substring(0, legacy4.indexOf('/') < 0 ? legacy4.length() : legacy4.indexOf('/')));
        }
        List<String> all = new ArrayList<>(v4);
        all.addAll(v6);
        return all;
    }
}
