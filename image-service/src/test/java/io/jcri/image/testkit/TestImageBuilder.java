package io.jcri.image.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jcri.image.reference.Digest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds images in code and pushes them to a registry as Docker schema2 or OCI, single- or multi-platform.
 *
 * <pre>
 * PushedImage img = TestImageBuilder.image().layer(TestLayers.busybox())
 *         .entrypoint("/bin/sh").push(registry, "library/busybox", "latest", ManifestFormat.OCI);
 * </pre>
 */
public final class TestImageBuilder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<TestLayer> layers = new ArrayList<>();
    private final List<String> entrypoint = new ArrayList<>();
    private final List<String> cmd = new ArrayList<>();
    private final List<String> env = new ArrayList<>(List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final List<String> exposedPorts = new ArrayList<>();
    private final List<String> volumes = new ArrayList<>();
    private String workingDir = "";
    private String user = "";
    private String stopSignal = "";
    private String os = "linux";
    private String architecture = "amd64";
    private String variant = "";

    public static TestImageBuilder image() {
        return new TestImageBuilder();
    }

    public TestImageBuilder layer(TestLayer layer) {
        layers.add(layer);
        return this;
    }

    public TestImageBuilder entrypoint(String... args) {
        entrypoint.clear();
        entrypoint.addAll(List.of(args));
        return this;
    }

    public TestImageBuilder cmd(String... args) {
        cmd.clear();
        cmd.addAll(List.of(args));
        return this;
    }

    public TestImageBuilder env(String kv) {
        env.add(kv);
        return this;
    }

    public TestImageBuilder label(String k, String v) {
        labels.put(k, v);
        return this;
    }

    public TestImageBuilder exposedPort(String port) {
        exposedPorts.add(port);
        return this;
    }

    public TestImageBuilder volume(String path) {
        volumes.add(path);
        return this;
    }

    public TestImageBuilder workingDir(String dir) {
        workingDir = dir;
        return this;
    }

    public TestImageBuilder user(String u) {
        user = u;
        return this;
    }

    public TestImageBuilder stopSignal(String s) {
        stopSignal = s;
        return this;
    }

    public TestImageBuilder platform(String os, String architecture, String variant) {
        this.os = os;
        this.architecture = architecture;
        this.variant = variant;
        return this;
    }

    public TestImage build() {
        ObjectNode root = JSON.createObjectNode();
        root.put("architecture", architecture);
        root.put("os", os);
        if (!variant.isEmpty()) {
            root.put("variant", variant);
        }
        root.put("created", "2026-01-01T00:00:00Z");
        ObjectNode c = root.putObject("config");
        strings(c.putArray("Env"), env);
        if (!entrypoint.isEmpty()) {
            strings(c.putArray("Entrypoint"), entrypoint);
        }
        if (!cmd.isEmpty()) {
            strings(c.putArray("Cmd"), cmd);
        }
        if (!workingDir.isEmpty()) {
            c.put("WorkingDir", workingDir);
        }
        if (!user.isEmpty()) {
            c.put("User", user);
        }
        if (!stopSignal.isEmpty()) {
            c.put("StopSignal", stopSignal);
        }
        if (!labels.isEmpty()) {
            ObjectNode l = c.putObject("Labels");
            labels.forEach(l::put);
        }
        if (!exposedPorts.isEmpty()) {
            ObjectNode p = c.putObject("ExposedPorts");
            exposedPorts.forEach(x -> p.putObject(x));
        }
        if (!volumes.isEmpty()) {
            ObjectNode v = c.putObject("Volumes");
            volumes.forEach(x -> v.putObject(x));
        }
        ObjectNode rootfs = root.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode diffIds = rootfs.putArray("diff_ids");
        layers.forEach(l -> diffIds.add(l.diffId().toString()));
        byte[] config = bytes(root);
        return new TestImage(config, Digest.sha256(config), List.copyOf(layers), os, architecture, variant);
    }

    /** Builds and pushes under {@code repo:tag}. */
    public PushedImage push(TestRegistry registry, String repo, String tag, ManifestFormat format) throws IOException {
        return push(registry, repo, tag, format, build());
    }

    public static PushedImage push(TestRegistry registry, String repo, String tag, ManifestFormat format,
                                   TestImage image) throws IOException {
        RegistryPusher pusher = registry.pusher();
        byte[] manifest = manifest(pusher, repo, format, image);
        Digest digest = pusher.pushManifest(repo, tag, format.manifestType, manifest);
        return new PushedImage(registry.host() + "/" + repo + ":" + tag, digest, List.of(image.configDigest()),
                List.of(digest), List.of(image.layers()));
    }

    /** Pushes each image's manifest by digest, then an index (OCI) or manifest list (Docker) under the tag. */
    public static PushedImage pushIndex(TestRegistry registry, String repo, String tag, ManifestFormat format,
                                        List<TestImage> images) throws IOException {
        RegistryPusher pusher = registry.pusher();
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", format.indexType);
        ArrayNode manifests = index.putArray("manifests");
        List<Digest> manifestDigests = new ArrayList<>();
        List<Digest> ids = new ArrayList<>();
        List<List<TestLayer>> layers = new ArrayList<>();
        for (TestImage image : images) {
            byte[] m = manifest(pusher, repo, format, image);
            Digest d = pusher.pushManifest(repo, Digest.sha256(m).toString(), format.manifestType, m);
            ObjectNode entry = manifests.addObject();
            entry.put("mediaType", format.manifestType);
            entry.put("digest", d.toString());
            entry.put("size", m.length);
            ObjectNode platform = entry.putObject("platform");
            platform.put("architecture", image.architecture());
            platform.put("os", image.os());
            if (!image.variant().isEmpty()) {
                platform.put("variant", image.variant());
            }
            manifestDigests.add(d);
            ids.add(image.configDigest());
            layers.add(image.layers());
        }
        byte[] body = bytes(index);
        Digest digest = pusher.pushManifest(repo, tag, format.indexType, body);
        return new PushedImage(registry.host() + "/" + repo + ":" + tag, digest, ids, manifestDigests, layers);
    }

    private static byte[] manifest(RegistryPusher pusher, String repo, ManifestFormat format, TestImage image)
            throws IOException {
        for (TestLayer l : image.layers()) {
            pusher.pushBlob(repo, l.blob());
        }
        pusher.pushBlob(repo, image.config());
        ObjectNode m = JSON.createObjectNode();
        m.put("schemaVersion", 2);
        m.put("mediaType", format.manifestType);
        ObjectNode config = m.putObject("config");
        config.put("mediaType", format.configType);
        config.put("digest", image.configDigest().toString());
        config.put("size", image.config().length);
        ArrayNode ls = m.putArray("layers");
        for (TestLayer l : image.layers()) {
            ObjectNode d = ls.addObject();
            d.put("mediaType", l.mediaType(format));
            d.put("digest", l.digest().toString());
            d.put("size", l.size());
        }
        return bytes(m);
    }

    private static void strings(ArrayNode a, List<String> values) {
        values.forEach(a::add);
    }

    private static byte[] bytes(ObjectNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
