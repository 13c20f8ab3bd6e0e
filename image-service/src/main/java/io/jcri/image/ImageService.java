package io.jcri.image;

import io.jcri.image.metadata.ImageMetadataStore;
import io.jcri.image.metadata.ImageRecord;
import io.jcri.image.metadata.LayerRecord;
import io.jcri.image.pull.ImagePuller;
import io.jcri.image.pull.LayerFetcher;
import io.jcri.image.reference.Digest;
import io.jcri.image.reference.ImageReference;
import io.jcri.image.reference.InvalidReferenceException;
import io.jcri.image.registry.Credentials;
import io.jcri.image.registry.CredentialsProvider;
import io.jcri.image.registry.DockerConfigCredentials;
import io.jcri.image.registry.RegistryClient;
import io.jcri.image.registry.RegistryClientSettings;
import io.jcri.image.registry.RegistryHosts;
import io.jcri.image.store.ContentLeases;
import io.jcri.image.store.ContentStore;
import io.jcri.image.store.FsUsageScanner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The image service: pull, list, status, remove and disk usage of images in one store. Thread-safe. Pulls run
 * concurrently with each other and with removal: a running pull leases the content it uses, and garbage
 * collection spares leased content, so nothing waits for a slow pull.
 *
 * <p>Removal answers once the image record is gone (no longer listed, resolved or usable by a new container); the
 * blobs and unpacked layers no image references any more are deleted afterwards by one collector thread. containerd
 * 1.6 and 2.x delete the last reference with {@code SynchronousDelete}, so their RemoveImage waits for the whole
 * collection, tens of thousands of unlinks for a big image; nothing a client observes depends on that wait (a pull
 * right after leases what it finds, which the collector then spares, or fetches again what it already deleted), and
 * what a stopped daemon had not deleted yet is collected at the next start.
 */
public final class ImageService implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ImageService.class.getName());
    private static final Pattern FULL_ID = Pattern.compile("(sha256:)?[0-9a-f]{64}");
    private static final Pattern ID_PREFIX = Pattern.compile("(sha256:)?[0-9a-f]{3,63}");

    private final ImageServiceConfig config;
    private final ContentStore content;
    private final ImageMetadataStore metadata;
    private final ImagePuller puller;
    private final ExecutorService layerExecutor;
    private final Set<String> pinnedNames;
    private final ContentLeases leases = new ContentLeases();
    /** One collection at a time (each also purges what it retired). */
    private final Object gcMonitor = new Object();
    /** Runs the collections that removals ask for, one at a time, off the caller's thread. */
    private final ExecutorService collector = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "jcri-image-gc");
        t.setDaemon(true);
        return t;
    });
    /** A collection is queued and has not begun: a removal meanwhile needs no second one. */
    private final java.util.concurrent.atomic.AtomicBoolean collectionQueued =
            new java.util.concurrent.atomic.AtomicBoolean();
    private volatile ImageUsage usage = ImageUsage.NONE;

    public ImageService(ImageServiceConfig config) {
        this(config, RegistryClientSettings.DEFAULT.withStallTimeout(config.stallTimeout()));
    }

    public ImageService(ImageServiceConfig config, RegistryClientSettings clientSettings) {
        this.config = config;
        String jnu = System.getProperty("sun.jnu.encoding", "");
        if (!jnu.equalsIgnoreCase("UTF-8")) {
            LOG.warning("file names are encoded as " + jnu + ", not UTF-8: layers with non-ASCII names (e.g. "
                    + "ca-certificates) will fail to unpack; start the JVM with LC_ALL=C.UTF-8");
        }
        this.content = new ContentStore(config.root());
        this.metadata = new ImageMetadataStore(config.root());
        CredentialsProvider creds = config.dockerConfig() == null ? CredentialsProvider.NONE
                : DockerConfigCredentials.load(config.dockerConfig());
        RegistryClient client = new RegistryClient(clientSettings, creds);
        AtomicInteger n = new AtomicInteger();
        this.layerExecutor = Executors.newFixedThreadPool(config.maxConcurrentDownloads(), r -> {
            Thread t = new Thread(r, "jcri-layer-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.puller = new ImagePuller(new RegistryHosts(config.registries()), client, content,
                new LayerFetcher(content, client, layerExecutor), config.platform(), config.progressInterval());
        // content a crashed daemon committed but never recorded in an image
        collectGarbageQuietly("at start");
        this.pinnedNames = new HashSet<>();
        for (String p : config.pinnedImages()) {
            try {
                ImageReference r = ImageReference.parse(p);
                pinnedNames.add(r.digest().map(r::digestedName).orElseGet(() -> r.taggedName().orElseThrow()));
            } catch (InvalidReferenceException e) {
                LOG.warning("ignoring pinned image: " + e.getMessage());
            }
        }
    }

    public ImageServiceConfig config() {
        return config;
    }

    /** Plugs in the runtime's view of which images containers use. */
    public void setImageUsage(ImageUsage usage) {
        this.usage = usage == null ? ImageUsage.NONE : usage;
    }

    /**
     * Pulls an image and records it under the reference's tag and digest.
     *
     * @throws InvalidReferenceException if the reference is malformed
     * @throws ImagePullException        if the pull fails (not found, unauthorized, bad content, stalled...);
     *                                   the store then holds nothing new under a final name
     */
    public ImageRecord pull(String reference, Credentials credentials) throws ImagePullException {
        ImageReference ref = ImageReference.parse(reference);
        long started = System.nanoTime();
        ImageMetadataStore.PutResult put;
        Exception failure = null;
        put = null;
        try (ContentLeases.Lease lease = leases.open()) {
            ImageRecord pulled = puller.pull(ref, credentials == null ? Credentials.NONE : credentials, lease);
            put = metadata.put(pulled); // referenced now: the lease can go
        } catch (Exception e) {
            failure = e;
        }
        if (failure != null) {
            LOG.log(Level.WARNING, "pull of " + ref + " failed after " + millisSince(started) + " ms: "
                    + failure.getMessage());
            collectGarbageQuietly("after failed pull of " + ref); // what it committed and nobody references
            if (failure instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new ImagePullException("failed to pull " + ref + ": " + failure.getMessage(), failure);
        }
        if (!put.orphaned().isEmpty()) {
            try {
                for (ImageRecord o : put.orphaned()) {
                    metadata.remove(o.id());
                }
            } catch (IOException e) {
                LOG.warning("cannot remove images left without names by " + ref + ": " + e);
            }
            collectGarbageLater("after pull of " + ref);
        }
        ImageRecord stored = put.stored();
        LOG.info(String.format("pulled %s as %s (%.1f MB) in %d ms", ref, stored.id(), stored.size() / 1e6,
                millisSince(started)));
        return withPinned(stored);
    }

    /** Every image. */
    public List<ImageRecord> list() {
        return metadata.all().stream().map(this::withPinned).toList();
    }

    /** The images a CRI ImageFilter names: all when the filter is empty, else the one the reference resolves to. */
    public List<ImageRecord> list(String filterReference) {
        if (filterReference == null || filterReference.isEmpty()) {
            return list();
        }
        return status(filterReference).map(List::of).orElse(List.of());
    }

    /**
     * The image a reference, id or unique id prefix names; empty when there is none (also for a malformed
     * reference, as an absent image is not an error for ImageStatus).
     */
    public Optional<ImageRecord> status(String reference) {
        return resolve(reference).map(this::withPinned);
    }

    /**
     * Removes the image that the reference, id or id prefix names, with all its tags; the blobs and snapshots no
     * image references any more are deleted afterwards, off the caller's thread (see the class comment).
     * Idempotent: returns false when there was no such image.
     *
     * @throws ImageInUseException if a container uses the image
     */
    public boolean remove(String reference) throws IOException {
        Optional<ImageRecord> image = resolve(reference);
        if (image.isEmpty()) {
            return false;
        }
        String id = image.get().id();
        if (usage.inUse(id)) {
            throw new ImageInUseException(id);
        }
        if (!metadata.remove(id)) {
            return false; // a concurrent remove won
        }
        LOG.info("removed image " + id + " " + image.get().repoTags());
        collectGarbageLater("after removal of " + id);
        return true;
    }

    /** Bytes and inodes the store uses and the mountpoint of its filesystem, for ImageFsInfo. */
    public FsUsage fsUsage() throws IOException {
        return FsUsageScanner.scan(config.root());
    }

    /** The unpacked layer directories of an image, top layer first: the order of overlayfs' lowerdir option. */
    public List<Path> lowerDirs(ImageRecord image) {
        List<Path> dirs = new ArrayList<>();
        for (LayerRecord l : image.layers()) {
            dirs.add(0, content.snapshotPath(l.diffId()));
        }
        return dirs;
    }

    /** The image's OCI config as pulled (for ImageStatus verbose info: containerd shows it as "imageSpec"). */
    public byte[] configJson(ImageRecord image) throws IOException {
        return content.readBlob(image.configDigest());
    }

    /**
     * Stops pulls at once and lets a running or queued collection finish (a few seconds at most, else it stops
     * where it is; the next start collects the rest).
     */
    @Override
    public void close() {
        layerExecutor.shutdownNow();
        collector.shutdown();
        try {
            if (!collector.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)) {
                LOG.warning("garbage collection still running at close; the next start finishes it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Optional<ImageRecord> resolve(String reference) {
        if (reference == null || reference.isEmpty()) {
            return Optional.empty();
        }
        if (FULL_ID.matcher(reference).matches()) {
            Optional<ImageRecord> byId = metadata.byId(reference.startsWith("sha256:") ? reference
                    : "sha256:" + reference);
            if (byId.isPresent()) {
                return byId;
            }
        }
        if (ImageReference.isValid(reference)) {
            ImageReference ref = ImageReference.parse(reference);
            Optional<ImageRecord> byName = ref.digest().isPresent()
                    ? metadata.byName(ref.digestedName(ref.digest().get()))
                    : metadata.byName(ref.taggedName().orElseThrow());
            if (byName.isPresent()) {
                return byName;
            }
        }
        if (ID_PREFIX.matcher(reference).matches()) {
            return metadata.byIdPrefix(reference);
        }
        return Optional.empty();
    }

    /** Waits until every collection queued before this call has finished (for tests). */
    void awaitCollections() throws InterruptedException, java.util.concurrent.ExecutionException {
        collector.submit(() -> { }).get();
    }

    /** Queues a collection on the collector thread unless one is queued and has not begun yet. */
    private void collectGarbageLater(String when) {
        if (!collectionQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            collector.execute(() -> {
                collectionQueued.set(false); // a removal from now on needs a collection after this one
                long t0 = System.nanoTime();
                try {
                    int swept = collectGarbage();
                    LOG.fine(() -> "garbage collection " + when + ": " + swept + " blobs/snapshots deleted in "
                            + millisSince(t0) + " ms");
                } catch (IOException | RuntimeException e) {
                    LOG.warning("garbage collection " + when + " failed: " + e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            collectionQueued.set(false); // closing: the next start collects
        }
    }

    private void collectGarbageQuietly(String when) {
        try {
            collectGarbage();
        } catch (IOException e) {
            LOG.warning("garbage collection " + when + " failed: " + e);
        }
    }

    /**
     * Mark and sweep: blobs and snapshots that no image record references and no running pull has leased are
     * deleted. Runs beside pulls; only the sweep itself holds leases off, the deletion of big trees does not.
     */
    private int collectGarbage() throws IOException {
        int swept;
        synchronized (gcMonitor) {
            try {
                swept = leases.withLeased(leased -> {
                    Set<Digest> blobs = new HashSet<>(leased);
                    Set<Digest> snapshots = new HashSet<>(leased);
                    for (ImageRecord r : metadata.all()) {
                        blobs.add(r.configDigest());
                        blobs.add(r.manifestDigest());
                        for (String d : r.repoDigests()) {
                            blobs.add(Digest.parse(d.substring(d.indexOf('@') + 1)));
                        }
                        for (LayerRecord l : r.layers()) {
                            blobs.add(l.digest());
                            snapshots.add(l.diffId());
                        }
                    }
                    try {
                        return content.sweep(blobs, snapshots);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            content.purgeRetired();
        }
        return swept;
    }

    private ImageRecord withPinned(ImageRecord r) {
        boolean pinned = r.repoTags().stream().anyMatch(pinnedNames::contains)
                || r.repoDigests().stream().anyMatch(pinnedNames::contains);
        return r.withPinned(pinned);
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

}
