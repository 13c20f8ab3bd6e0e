package io.jcri.server.network;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;

/**
 * One CNI network: a {@code .conflist} (or a single-plugin {@code .conf} lifted into a list) with its name,
 * spec version and the plugin configurations in the order they run on ADD.
 */
public record CniNetworkConfig(String name, String cniVersion, List<ObjectNode> plugins, Path source) {
    public CniNetworkConfig {
        plugins = List.copyOf(plugins);
    }

    public List<String> pluginTypes() {
        return plugins.stream().map(p -> p.path("type").asText()).toList();
    }
}
