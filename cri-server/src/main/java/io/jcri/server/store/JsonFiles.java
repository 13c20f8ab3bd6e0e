package io.jcri.server.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import java.util.stream.Stream;

/** One JSON file per record in a directory, written atomically (temp file, fsync, rename). */
final class JsonFiles<T> {
    private static final Logger LOG = Logger.getLogger(JsonFiles.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path dir;
    private final Class<T> type;

    JsonFiles(Path dir, Class<T> type) {
        this.dir = dir;
        this.type = type;
        try {
            PrivateFiles.directory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    void write(String id, T value) {
        Path file = dir.resolve(id + ".json");
        try {
            PrivateFiles.write(file, JSON.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot persist " + file, e);
        }
    }

    void delete(String id) {
        try {
            Files.deleteIfExists(dir.resolve(id + ".json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** All records, at start-up; the temp file of a write a crash interrupted is dropped. */
    List<T> readAll() {
        List<T> out = new ArrayList<>();
        try {
            PrivateFiles.removeUnfinishedWrites(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + dir, e);
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
                try {
                    PrivateFiles.narrow(f);
                    out.add(JSON.readValue(f.toFile(), type));
                } catch (IOException e) {
                    LOG.warning("skipping unreadable record " + f + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return out;
    }
}
