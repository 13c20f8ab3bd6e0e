package io.jcri.image.store;

import io.jcri.image.manifest.Descriptor;
import io.jcri.image.reference.Digest;
import io.jcri.image.registry.ContentMismatchException;
import io.jcri.image.unpack.Native;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Blobs by digest ({@code blobs/sha256/<hex>}) and unpacked layers by diff id ({@code snapshots/sha256/<hex>},
 * each directory usable as an overlay lowerdir). Nothing becomes visible under its final name before it is
 * complete and verified: blobs are written to {@code ingest/}, checked, fsynced and renamed; snapshots are
 * unpacked in {@code snapshots/.work/} and renamed.
 */
public final class ContentStore {
    private static final Logger LOG = Logger.getLogger(ContentStore.class.getName());

    private static final String RETIRED = "retired-";

    private final Path blobs;
    private final Path ingest;
    private final Path snapshots;
    private final Path snapshotWork;

    public ContentStore(Path root) {
        this.blobs = root.resolve("blobs");
        this.ingest = root.resolve("ingest");
        this.snapshots = root.resolve("snapshots");
        this.snapshotWork = snapshots.resolve(".work");
        try {
            Files.createDirectories(blobs.resolve("sha256"));
            Files.createDirectories(snapshots.resolve("sha256"));
            // whatever a crashed daemon left half-written is garbage
            FileTrees.deleteRecursively(ingest);
            FileTrees.deleteRecursively(snapshotWork);
            Files.createDirectories(ingest);
            Files.createDirectories(snapshotWork);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot initialise content store at " + root, e);
        }
        spreadWorkDirs(snapshotWork);
    }

    /**
     * Layers are unpacked in {@code snapshots/.work/<uuid>}; as the top of a directory hierarchy ({@code chattr +T})
     * each of those lands in a block group of its own with free inodes instead of next to {@code .work}, where the
     * layers removed a moment ago freed theirs. That matters on ext4 without a journal, whose inode allocator skips
     * every inode deleted in the last minute (five, while its table block is dirty) one bitmap bit at a time: a
     * 5,000-file layer unpacked where a removed image's files were took 0.3 ms per file created instead of 0.02.
     * On other filesystems the flag does not exist and nothing changes.
     */
    private static void spreadWorkDirs(Path dir) {
        try {
            if (!Native.setTopDir(dir.toString())) {
                LOG.fine(() -> dir + ": the filesystem has no top-directory flag");
            }
        } catch (IOException e) {
            LOG.warning("cannot mark " + dir + " as a top directory (layers are unpacked there all the same): " + e);
        }
    }

    public Path blobPath(Digest d) {
        return blobs.resolve(d.algorithm()).resolve(d.hex());
    }

    public boolean hasBlob(Digest d) {
        return Files.isRegularFile(blobPath(d));
    }

    public byte[] readBlob(Digest d) throws IOException {
        return Files.readAllBytes(blobPath(d));
    }

    /** Stores a blob held in memory, after checking it against its descriptor. */
    public void putBlob(Descriptor d, byte[] content) throws IOException {
        if (hasBlob(d.digest())) {
            return;
        }
        try (Ingest in = beginIngest(d)) {
            in.output().write(content);
            in.commit();
        }
    }

    public Ingest beginIngest(Descriptor d) throws IOException {
        Files.createDirectories(blobPath(d.digest()).getParent());
        return new Ingest(d, ingest.resolve(d.digest().hex() + "-" + UUID.randomUUID()));
    }

    public Path snapshotPath(Digest diffId) {
        return snapshots.resolve(diffId.algorithm()).resolve(diffId.hex());
    }

    public boolean hasSnapshot(Digest diffId) {
        return Files.isDirectory(snapshotPath(diffId));
    }

    /** A fresh empty directory to unpack a layer into, on the same filesystem as the snapshots. */
    public Path newSnapshotWorkDir() throws IOException {
        Path dir = Files.createDirectory(snapshotWork.resolve(UUID.randomUUID().toString()));
        // the layer's root unless the tar sets it: traversable by containers' non-root users whatever the umask
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    /** Publishes an unpacked layer; if another pull published the same diff id first, ours is discarded. */
    public void commitSnapshot(Path workDir, Digest diffId) throws IOException {
        Path target = snapshotPath(diffId);
        Files.createDirectories(target.getParent());
        try {
            Files.move(workDir, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            FileTrees.deleteRecursively(workDir);
        }
    }

    public void discardWorkDir(Path workDir) {
        try {
            FileTrees.deleteRecursively(workDir);
        } catch (IOException e) {
            LOG.warning("cannot remove unpack work dir " + workDir + ": " + e);
        }
    }

    public Set<Digest> blobDigests() throws IOException {
        return list(blobs.resolve("sha256"));
    }

    public Set<Digest> snapshotDiffIds() throws IOException {
        return list(snapshots.resolve("sha256"));
    }

    /**
     * Deletes every blob not named in the live set and retires every snapshot not named in its live set (renamed
     * aside, so a half-deleted tree is never mistaken for a complete one). Returns how many entries went; the
     * retired trees are deleted by {@link #purgeRetired()}, which may run later and without any lock.
     */
    public int sweep(Set<Digest> liveBlobs, Set<Digest> liveSnapshots) throws IOException {
        int removed = 0;
        for (Digest d : blobDigests()) {
            if (!liveBlobs.contains(d)) {
                Files.deleteIfExists(blobPath(d));
                removed++;
            }
        }
        for (Digest d : snapshotDiffIds()) {
            if (!liveSnapshots.contains(d)) {
                Files.move(snapshotPath(d), snapshotWork.resolve(RETIRED + UUID.randomUUID()),
                        StandardCopyOption.ATOMIC_MOVE);
                removed++;
            }
        }
        return removed;
    }

    /** Deletes the snapshot trees {@link #sweep} retired. */
    public void purgeRetired() throws IOException {
        try (Stream<Path> s = Files.list(snapshotWork)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (p.getFileName().toString().startsWith(RETIRED)) {
                    FileTrees.deleteRecursively(p);
                }
            }
        }
    }

    private static Set<Digest> list(Path dir) throws IOException {
        Set<Digest> out = new HashSet<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> {
                try {
                    out.add(new Digest("sha256", p.getFileName().toString()));
                } catch (IllegalArgumentException ignored) {
                    // not ours
                }
            });
        }
        return out;
    }

    /** A blob being written: bytes go to a temp file and through the hasher; commit verifies and renames. */
    public final class Ingest implements AutoCloseable {
        private final Descriptor descriptor;
        private final Path temp;
        private final FileChannel channel;
        private final MessageDigest hasher;
        private final OutputStream out;
        private long written;
        private boolean committed;

        private Ingest(Descriptor descriptor, Path temp) throws IOException {
            this.descriptor = descriptor;
            this.temp = temp;
            this.channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            this.hasher = descriptor.digest().newHasher();
            OutputStream raw = java.nio.channels.Channels.newOutputStream(channel);
            this.out = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[]{(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    written += len;
                    if (written > descriptor.size()) {
                        throw new ContentMismatchException("blob " + descriptor.digest() + " is larger than the "
                                + descriptor.size() + " bytes its descriptor says");
                    }
                    hasher.update(b, off, len);
                    raw.write(b, off, len);
                }
            };
        }

        public OutputStream output() {
            return out;
        }

        public long written() {
            return written;
        }

        /**
         * Checks size and digest of what was written; the ingest cannot be committed afterwards. Fewer bytes than
         * the descriptor says is a cut-off transfer ({@link java.io.EOFException}), not wrong content.
         */
        public void verify() throws IOException {
            if (written < descriptor.size()) {
                throw new java.io.EOFException("blob " + descriptor.digest() + " ended after " + written + " of "
                        + descriptor.size() + " bytes");
            }
            if (written != descriptor.size()) {
                throw new ContentMismatchException("blob " + descriptor.digest() + " has " + written
                        + " bytes, its descriptor says " + descriptor.size());
            }
            if (!descriptor.digest().matches(hasher)) {
                throw new ContentMismatchException("blob content does not match its digest " + descriptor.digest());
            }
        }

        /** Verifies size and digest, fsyncs, and renames into place. */
        public void commit() throws IOException {
            verify();
            channel.force(true);
            channel.close();
            Path target = blobPath(descriptor.digest());
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("ingest and blob dirs must be on one filesystem", e);
            }
            try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            }
            committed = true;
        }

        @Override
        public void close() throws IOException {
            if (!committed) {
                channel.close();
                Files.deleteIfExists(temp);
            }
        }
    }
}
