package io.jcri.e2e.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jcri.image.testkit.TestLayers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * OCI bundles for {@code runc run} over the benchmark image's root filesystem: the same busybox layer that is pushed
 * as {@code bench/busybox}, unpacked once into {@code rootfs}, and one {@code config.json} per variant (command,
 * with or without a new network namespace) from {@code runc spec}'s default, each its own directory whose
 * {@code root.path} points at the shared rootfs.
 */
final class RuncBundle {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Path rootfs;
    private final Path runc;
    private final String cgroupParent;

    private RuncBundle(Path dir, Path rootfs, Path runc, String cgroupParent) {
        this.dir = dir;
        this.rootfs = rootfs;
        this.runc = runc;
        this.cgroupParent = cgroupParent;
    }

    /** Unpacks the busybox layer under {@code dir/rootfs}; cgroups of the containers go under cgroupParent. */
    static RuncBundle create(Path dir, Path runc, String cgroupParent) throws IOException {
        Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
        Path tar = dir.resolve("busybox-layer.tar");
        Files.write(tar, TestLayers.busyboxTar());
        Procs.run(true, "tar", "-xf", tar.toString(), "-C", rootfs.toString());
        Files.delete(tar);
        return new RuncBundle(dir, rootfs, runc, cgroupParent);
    }

    /**
     * A bundle directory named {@code name} running {@code args}, with runc's default namespaces (pid, ipc, uts,
     * mount, network) or the same without network (the host's, like a hostNetwork pod).
     */
    Path variant(String name, boolean newNetns, String... args) throws IOException {
        Path b = Files.createDirectories(dir.resolve(name));
        Procs.run(true, runc.toString(), "spec", "--bundle", b.toString());
        ObjectNode spec = (ObjectNode) JSON.readTree(b.resolve("config.json").toFile());
        ObjectNode process = (ObjectNode) spec.get("process");
        process.put("terminal", false);
        ArrayNode a = process.putArray("args");
        for (String arg : args) {
            a.add(arg);
        }
        ((ObjectNode) spec.get("root")).put("path", rootfs.toString());
        ObjectNode linux = (ObjectNode) spec.get("linux");
        ArrayNode namespaces = (ArrayNode) linux.get("namespaces");
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            if (!newNetns && namespaces.get(i).path("type").asText().equals("network")) {
                namespaces.remove(i);
            }
        }
        linux.put("cgroupsPath", cgroupParent + "/" + name);
        JSON.writerWithDefaultPrettyPrinter().writeValue(b.resolve("config.json").toFile(), spec);
        return b;
    }
}
