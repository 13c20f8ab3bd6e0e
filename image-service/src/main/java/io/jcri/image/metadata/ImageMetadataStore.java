package io.jcri.image.metadata;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Image records by id, one JSON file per image under {@code images/}, written atomically. All images are held in
 * memory; the files are what survives a restart. Names (tags, digests) are unique across images: adding an image
 * that claims a tag takes it away from the image that had it.
 *
 * <p>Writers take the store's lock (and hold it across the fsync of a record); readers never do: they read an
 * immutable view (records by id, and by name) that each change replaces, so ImageStatus and ListImages never wait
 * for a pull that is recording its image.
 */
public final class ImageMetadataStore {
    private static final Logger LOG = Logger.getLogger(ImageMetadataStore.class.getName());
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final Path dir;
    private final Map<String, ImageRecord> byId = new LinkedHashMap<>();
    private volatile View view = View.EMPTY;

    /** What readers see: the records in insertion order, by id and by each of their names. */
    private record View(List<ImageRecord> all, Map<String, ImageRecord> byId, Map<String, ImageRecord> byName) {
        static final View EMPTY = new View(List.of(), Map.of(), Map.of());

        static View of(Map<String, ImageRecord> records) {
            Map<String, ImageRecord> names = new java.util.HashMap<>();
            for (ImageRecord r : records.values()) {
                // names are unique across images; should two records ever share one, the first keeps it (as the
                // scan in insertion order it replaces answered)
                r.repoTags().forEach(n -> names.putIfAbsent(n, r));
                r.repoDigests().forEach(n -> names.putIfAbsent(n, r));
            }
            return new View(List.copyOf(records.values()), Map.copyOf(records), names);
        }
    }

    public ImageMetadataStore(Path root) {
        this.dir = root.resolve("images");
        try {
            Files.createDirectories(dir);
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    String name = f.getFileName().toString();
                    if (name.endsWith(".tmp")) {
                        Files.deleteIfExists(f);
                    } else if (name.endsWith(".json")) {
                        load(f);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load image metadata from " + dir, e);
        }
        view = View.of(byId);
    }

    private void load(Path f) {
        try {
            ImageRecord r = JSON.readValue(f.toFile(), ImageRecord.class);
            byId.put(r.id(), r.withPinned(false));
        } catch (IOException e) {
            LOG.warning("ignoring unreadable image record " + f + ": " + e.getMessage());
        }
    }

    public List<ImageRecord> all() {
        return new ArrayList<>(view.all());
    }

    public Optional<ImageRecord> byId(String id) {
        return Optional.ofNullable(view.byId().get(id));
    }

    /** The one image whose id (without {@code sha256:}) starts with {@code prefix}; empty if none or ambiguous. */
    public Optional<ImageRecord> byIdPrefix(String prefix) {
        String p = prefix.startsWith("sha256:") ? prefix : "sha256:" + prefix;
        List<ImageRecord> hits = view.all().stream().filter(r -> r.id().startsWith(p)).toList();
        return hits.size() == 1 ? Optional.of(hits.get(0)) : Optional.empty();
    }

    public Optional<ImageRecord> byName(String normalisedName) {
        return Optional.ofNullable(view.byName().get(normalisedName));
    }

    /**
     * Adds or updates an image; its names are merged into an existing record of the same id and removed from
     * every other image. Returns the stored record and the images left with no name at all (the caller deletes
     * them).
     */
    public synchronized PutResult put(ImageRecord incoming) throws IOException {
        try {
            return putRecords(incoming);
        } finally {
            view = View.of(byId); // one change for readers: a tag moves from one image to another at once
        }
    }

    private PutResult putRecords(ImageRecord incoming) throws IOException {
        ImageRecord stored = byId.containsKey(incoming.id()) ? byId.get(incoming.id()).mergeNames(incoming) : incoming;
        List<ImageRecord> orphaned = new ArrayList<>();
        for (ImageRecord other : new ArrayList<>(byId.values())) {
            if (other.id().equals(stored.id())) {
                continue;
            }
            List<String> tags = other.repoTags().stream().filter(t -> !incoming.repoTags().contains(t)).toList();
            List<String> digests = other.repoDigests().stream()
                    .filter(d -> !incoming.repoDigests().contains(d)).toList();
            if (tags.size() != other.repoTags().size() || digests.size() != other.repoDigests().size()) {
                ImageRecord renamed = other.withNames(tags, digests);
                if (tags.isEmpty() && digests.isEmpty()) {
                    orphaned.add(renamed);
                }
                write(renamed);
            }
        }
        write(stored);
        return new PutResult(stored, orphaned);
    }

    public record PutResult(ImageRecord stored, List<ImageRecord> orphaned) {
    }

    public synchronized boolean remove(String id) throws IOException {
        if (byId.remove(id) == null) {
            return false;
        }
        view = View.of(byId);
        Files.deleteIfExists(file(id));
        return true;
    }

    private void write(ImageRecord r) throws IOException {
        Path target = file(r.id());
        Path tmp = dir.resolve(target.getFileName() + ".tmp");
        byte[] json = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(r.withPinned(false));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(json));
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        byId.put(r.id(), r);
    }

    private Path file(String id) {
        return dir.resolve(id.replace(':', '-') + ".json");
    }
}
