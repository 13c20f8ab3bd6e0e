package io.jcri.server.network;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import io.jcri.server.store.DiskWrites;
import io.jcri.server.store.PrivateFiles;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * ADD results and the exact configuration they were made with, kept on disk so that DEL and CHECK work after
 * a daemon restart, and with the network config as it was even if the conf dir changed since.
 */
final class CniResultCache {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    /** Opened once per daemon, at start-up: the temp file of a write a crash interrupted is dropped. */
    CniResultCache(Path dir) {
        this.dir = dir;
        try {
            PrivateFiles.removeUnfinishedWrites(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + dir, e);
        }
    }

    /** Writes the entry, fsync included. */
    void put(String sandboxId, ObjectNode entry) {
        putSyncLater(sandboxId, entry).join();
    }

    /**
     * Writes the entry now (readers, a daemon restarted after a kill included, see it on return) and fsyncs it on
     * another thread: the returned future completes once it is on the disk, so that the ~4 ms of an fsync here
     * overlaps a plugin's run instead of adding to RunPodSandbox.
     */
    CompletableFuture<Void> putSyncLater(String sandboxId, ObjectNode entry) {
        Path file = file(sandboxId);
        try {
            // pod IPs and the pod's CNI arguments: root only, as the socket
            PrivateFiles.directory(dir);
            PrivateFiles.writeUnsynced(file, JSON.writeValueAsBytes(entry));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot cache the CNI result of " + sandboxId, e);
        }
        return DiskWrites.run(() -> {
            try {
                PrivateFiles.sync(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot fsync the CNI cache entry of " + sandboxId, e);
            }
        });
    }

    Optional<ObjectNode> get(String sandboxId) {
        Path file = file(sandboxId);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of((ObjectNode) JSON.readTree(file.toFile()));
        } catch (IOException | ClassCastException e) {
            return Optional.empty();
        }
    }

    java.util.List<String> ids() {
        if (!Files.isDirectory(dir)) {
            return java.util.List.of();
        }
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - ".json".length())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    void remove(String sandboxId) {
        try {
            Files.deleteIfExists(file(sandboxId));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path file(String sandboxId) {
        if (!sandboxId.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("bad sandbox id for the CNI cache: " + sandboxId);
        }
        return dir.resolve(sandboxId + ".json");
    }
}
