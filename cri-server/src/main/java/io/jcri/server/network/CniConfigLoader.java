package io.jcri.server.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the pod network in a CNI conf dir the way libcni-based runtimes do: files ending in {@code .conflist},
 * {@code .conf} or {@code .json}, in lexical order; the first one that parses and is valid wins.
 */
public final class CniConfigLoader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CniConfigLoader() {
    }

    /** The chosen network, or empty with the reasons every candidate was skipped. */
    public static Loaded load(Path confDir) {
        List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(confDir)) {
            problems.add("CNI config directory " + confDir + " does not exist");
            return new Loaded(Optional.empty(), problems);
        }
        List<Path> candidates;
        try (Stream<Path> files = Files.list(confDir)) {
            candidates = files.filter(Files::isRegularFile)
                    .filter(p -> {
                        String n = p.getFileName().toString();
                        return n.endsWith(".conflist") || n.endsWith(".conf") || n.endsWith(".json");
                    })
                    .sorted()
                    .toList();
        } catch (IOException e) {
            problems.add("cannot list " + confDir + ": " + e.getMessage());
            return new Loaded(Optional.empty(), problems);
        }
        if (candidates.isEmpty()) {
            problems.add("no network config found in " + confDir);
        }
        for (Path file : candidates) {
            try {
                return new Loaded(Optional.of(parse(file)), problems);
            } catch (CniException e) {
                problems.add(e.getMessage());
            }
        }
        return new Loaded(Optional.empty(), problems);
    }

    public static CniNetworkConfig parse(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new CniException(file + ": not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new CniException(file + ": not a JSON object");
        }
        String version = root.path("cniVersion").asText("");
        String name = root.path("name").asText("");
        if (name.isEmpty()) {
            throw new CniException(file + ": the network has no \"name\"");
        }
        List<ObjectNode> plugins = new ArrayList<>();
        if (root.has("plugins")) {
            if (!root.get("plugins").isArray() || root.get("plugins").isEmpty()) {
                throw new CniException(file + ": \"plugins\" must be a non-empty list");
            }
            for (JsonNode p : (ArrayNode) root.get("plugins")) {
                if (!p.isObject() || p.path("type").asText("").isEmpty()) {
                    throw new CniException(file + ": every plugin needs a \"type\"");
                }
                plugins.add((ObjectNode) p);
            }
            if (root.path("disabled").asBoolean(false)) {
                throw new CniException(file + ": the network is disabled");
            }
        } else {
            if (root.path("type").asText("").isEmpty()) {
                throw new CniException(file + ": a .conf network needs a \"type\"");
            }
            plugins.add((ObjectNode) root);
        }
        if (version.isEmpty()) {
            throw new CniException(file + ": the network has no \"cniVersion\"");
        }
        return new CniNetworkConfig(name, version, plugins, file);
    }

    /** The outcome of a load: the network if one is usable, and why others were not. */
    public record Loaded(Optional<CniNetworkConfig> network, List<String> problems) {
    }
}
