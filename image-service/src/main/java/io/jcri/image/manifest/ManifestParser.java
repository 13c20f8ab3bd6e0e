package io.jcri.image.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcri.image.reference.Digest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads manifest bodies. The media type comes from the response's Content-Type when the registry sends a
 * useful one, else from the body's own {@code mediaType} field (OCI makes it optional, so an OCI body
 * without it is recognised by its shape).
 */
public final class ManifestParser {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ManifestParser() {
    }

    /** Returns an {@link ImageIndex} or an {@link ImageManifest}. */
    public static Object parse(byte[] body, String contentType) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new UnsupportedManifestException("manifest is not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new UnsupportedManifestException("manifest is not a JSON object");
        }
        String mediaType = mediaType(root, contentType);
        if (MediaTypes.isSchema1(mediaType) || root.path("schemaVersion").asInt() == 1) {
            throw new UnsupportedManifestException("Docker image manifest schema 1 is not supported (deprecated and "
                    + "removed from the ecosystem): push the image again with a current client to get schema 2 or OCI");
        }
        if (MediaTypes.isIndex(mediaType)) {
            List<Descriptor> manifests = new ArrayList<>();
            for (JsonNode m : root.path("manifests")) {
                manifests.add(descriptor(m));
            }
            return new ImageIndex(mediaType, manifests);
        }
        if (MediaTypes.isManifest(mediaType)) {
            if (!root.hasNonNull("config")) {
                throw new UnsupportedManifestException("image manifest without config");
            }
            List<Descriptor> layers = new ArrayList<>();
            for (JsonNode l : root.path("layers")) {
                layers.add(descriptor(l));
            }
            return new ImageManifest(mediaType, descriptor(root.get("config")), layers);
        }
        throw new UnsupportedManifestException("unsupported manifest media type \"" + mediaType + "\"");
    }

    private static String mediaType(JsonNode root, String contentType) {
        String header = contentType == null ? "" : contentType.split(";")[0].trim();
        if (MediaTypes.isIndex(header) || MediaTypes.isManifest(header) || MediaTypes.isSchema1(header)) {
            return header;
        }
        String field = root.path("mediaType").asText("");
        if (!field.isEmpty()) {
            return field;
        }
        if (root.has("manifests")) {
            return MediaTypes.OCI_INDEX;
        }
        if (root.has("config") && root.has("layers")) {
            return MediaTypes.OCI_MANIFEST;
        }
        return header.isEmpty() ? "(none)" : header;
    }

    private static Descriptor descriptor(JsonNode n) {
        String digest = n.path("digest").asText("");
        long size = n.path("size").asLong(-1);
        if (digest.isEmpty() || size < 0) {
            throw new UnsupportedManifestException("descriptor without digest or size: " + n);
        }
        Digest d;
        try {
            d = Digest.parse(digest);
        } catch (IllegalArgumentException e) {
            throw new UnsupportedManifestException("descriptor with " + e.getMessage());
        }
        Platform platform = null;
        JsonNode p = n.get("platform");
        if (p != null && p.isObject()) {
            platform = new Platform(p.path("os").asText(""), p.path("architecture").asText(""),
                    p.path("variant").asText(""));
        }
        List<String> urls = new ArrayList<>();
        n.path("urls").forEach(u -> urls.add(u.asText()));
        return new Descriptor(n.path("mediaType").asText(""), d, size, platform, urls);
    }
}
