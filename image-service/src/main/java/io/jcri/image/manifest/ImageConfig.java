package io.jcri.image.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcri.image.reference.Digest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of an image's config blob that the runtime uses, plus the layer diff ids and platform.
 * Field names follow the OCI image config ({@code config.Entrypoint} etc.).
 */
public record ImageConfig(
        String os,
        String architecture,
        String variant,
        List<String> entrypoint,
        List<String> cmd,
        List<String> env,
        String workingDir,
        String user,
        String stopSignal,
        List<String> exposedPorts,
        List<String> volumes,
        Map<String, String> labels,
        List<Digest> diffIds) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public ImageConfig {
        entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
        cmd = cmd == null ? List.of() : List.copyOf(cmd);
        env = env == null ? List.of() : List.copyOf(env);
        exposedPorts = exposedPorts == null ? List.of() : List.copyOf(exposedPorts);
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        diffIds = diffIds == null ? List.of() : List.copyOf(diffIds);
        workingDir = workingDir == null ? "" : workingDir;
        user = user == null ? "" : user;
        stopSignal = stopSignal == null ? "" : stopSignal;
    }

    public static ImageConfig parse(byte[] blob) {
        JsonNode root;
        try {
            root = JSON.readTree(blob);
        } catch (IOException e) {
            throw new UnsupportedManifestException("image config is not valid JSON: " + e.getMessage());
        }
        JsonNode c = root.path("config");
        List<Digest> diffIds = new ArrayList<>();
        for (JsonNode d : root.path("rootfs").path("diff_ids")) {
            try {
                diffIds.add(Digest.parse(d.asText()));
            } catch (IllegalArgumentException e) {
                throw new UnsupportedManifestException("image config has an invalid diff id: " + e.getMessage());
            }
        }
        Map<String, String> labels = new LinkedHashMap<>();
        c.path("Labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return new ImageConfig(
                root.path("os").asText(""),
                root.path("architecture").asText(""),
                root.path("variant").asText(""),
                strings(c.path("Entrypoint")),
                strings(c.path("Cmd")),
                strings(c.path("Env")),
                c.path("WorkingDir").asText(""),
                c.path("User").asText(""),
                c.path("StopSignal").asText(""),
                keys(c.path("ExposedPorts")),
                keys(c.path("Volumes")),
                labels,
                diffIds);
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.forEach(e -> out.add(e.asText()));
        return out;
    }

    private static List<String> keys(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
