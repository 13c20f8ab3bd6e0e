package io.jcri.image.pull;

import io.jcri.image.manifest.Descriptor;
import io.jcri.image.reference.Digest;
import io.jcri.image.registry.ContentMismatchException;
import io.jcri.image.registry.Credentials;
import io.jcri.image.registry.PullStalledException;
import io.jcri.image.registry.RegistryException;
import io.jcri.image.registry.RegistryClient;
import io.jcri.image.registry.RegistryEndpoint;
import io.jcri.image.store.ContentStore;
import io.jcri.image.unpack.Compression;
import io.jcri.image.unpack.LayerUnpacker;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Logger;

/**
 * Gets one layer into the store as a verified blob and an unpacked snapshot. The download is unpacked while it
 * streams: bytes go to the ingest file (hashed) and through the decompressor into the unpacker (hashed again for
 * the diff id); nothing is committed unless both digests and the size match. Concurrent requests for the same
 * blob share one in-flight fetch.
 */
public final class LayerFetcher {
    private static final Logger LOG = Logger.getLogger(LayerFetcher.class.getName());

    private final ContentStore store;
    private final RegistryClient client;
    private final ExecutorService executor;
    private final Map<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();

    public LayerFetcher(ContentStore store, RegistryClient client, ExecutorService executor) {
        this.store = store;
        this.client = client;
        this.executor = executor;
    }

    public record Source(RegistryEndpoint endpoint, String repository, Credentials credentials) {
    }

    /** Completes when the blob and its snapshot are in the store. */
    public CompletableFuture<Void> fetch(Source source, Descriptor layer, Digest diffId, PullProgress progress) {
        if (store.hasBlob(layer.digest()) && store.hasSnapshot(diffId)) {
            return CompletableFuture.completedFuture(null);
        }
        // keyed by blob and diff id: a pull whose config names another diff id for the same blob gets its own check
        String key = layer.digest() + "|" + diffId;
        CompletableFuture<Void> created = new CompletableFuture<>();
        CompletableFuture<Void> existing = inFlight.putIfAbsent(key, created);
        if (existing != null) {
            return existing;
        }
        try {
            executor.execute(() -> {
                try {
                    fetchNow(source, layer, diffId, progress);
                    created.complete(null);
                } catch (Throwable t) {
                    created.completeExceptionally(t);
                } finally {
                    inFlight.remove(key, created);
                }
            });
        } catch (RejectedExecutionException e) {
            inFlight.remove(key, created);
            created.completeExceptionally(new IOException("image service is shut down", e));
        }
        return created;
    }

    private void fetchNow(Source source, Descriptor layer, Digest diffId, PullProgress progress) throws Exception {
        if (store.hasBlob(layer.digest())) {
            if (!store.hasSnapshot(diffId)) {
                try (InputStream in = Files.newInputStream(store.blobPath(layer.digest()))) {
                    unpackVerified(in, diffId, layer);
                }
            }
            return;
        }
        long started = System.nanoTime();
        long backoff = client.settings().initialBackoff().toMillis();
        for (int attempt = 1; ; attempt++) {
            try {
                download(source, layer, diffId, progress);
                break;
            } catch (IOException e) {
                if (!isTransferBreak(e) || attempt >= client.settings().maxAttempts()) {
                    throw e;
                }
                LOG.info("layer " + layer.digest() + ": transfer broke (" + e.getMessage() + "), retrying");
                Thread.sleep(backoff);
                backoff *= 2;
            }
        }
        LOG.fine(() -> String.format("layer %s: %d bytes in %d ms", layer.digest(), layer.size(),
                (System.nanoTime() - started) / 1_000_000));
    }

    /**
     * A connection that broke mid-body is worth another try from the start; bad content, an unsafe layer, a stall
     * (already waited out) or an HTTP error answer (retried by the client where transient) are not.
     */
    private static boolean isTransferBreak(IOException e) {
        return !(e instanceof ContentMismatchException || e instanceof io.jcri.image.unpack.UnsafeLayerException
                || e instanceof io.jcri.image.unpack.InvalidLayerException
                || e instanceof PullStalledException || e instanceof RegistryException);
    }

    private void download(Source source, Descriptor layer, Digest diffId, PullProgress progress)
            throws IOException, InterruptedException {
        progress.start(layer.digest(), layer.size());
        try (ContentStore.Ingest ingest = store.beginIngest(layer);
             InputStream remote = client.openBlob(source.endpoint(), source.repository(), layer, source.credentials())) {
            InputStream tee = new TeeInputStream(remote, ingest, layer.digest(), progress);
            if (store.hasSnapshot(diffId)) {
                tee.transferTo(java.io.OutputStream.nullOutputStream());
                ingest.commit();
            } else {
                unpackVerified(tee, diffId, layer, ingest);
            }
        }
    }

    private void unpackVerified(InputStream compressed, Digest diffId, Descriptor layer) throws IOException {
        unpackVerified(compressed, diffId, layer, null);
    }

    /** Unpacks into a work dir; commits ingest (if any) and then the snapshot only when every digest matches. */
    private void unpackVerified(InputStream compressed, Digest diffId, Descriptor layer, ContentStore.Ingest ingest)
            throws IOException {
        Path work = store.newSnapshotWorkDir();
        boolean done = false;
        try {
            MessageDigest diffHasher = diffId.newHasher();
            InputStream tar = new DigestInputStream(Compression.decompress(compressed), diffHasher);
            try {
                LayerUnpacker.unpack(tar, work);
            } catch (IOException unpackFailure) {
                throw blameContent(unpackFailure, compressed, ingest, layer);
            }
            tar.transferTo(java.io.OutputStream.nullOutputStream()); // trailing blocks count for the diff id
            compressed.transferTo(java.io.OutputStream.nullOutputStream());
            if (ingest != null) {
                ingest.commit();
            }
            if (!diffId.matches(diffHasher)) {
                throw new ContentMismatchException("layer " + layer.digest()
                        + " does not uncompress to the diff id " + diffId + " its image config names");
            }
            store.commitSnapshot(work, diffId);
            done = true;
        } finally {
            if (!done) {
                store.discardWorkDir(work);
            }
        }
    }

    /**
     * An unpack error on bytes that do not match their digest is a transfer problem, not a bad layer: report the
     * mismatch (the cause an operator can act on) when the rest of the blob shows it.
     */
    private static IOException blameContent(IOException unpackFailure, InputStream compressed,
                                            ContentStore.Ingest ingest, Descriptor layer) {
        if (ingest == null || unpackFailure instanceof PullStalledException
                || unpackFailure instanceof RegistryException) {
            return unpackFailure; // the transfer itself failed; draining it would only wait again
        }
        try {
            compressed.transferTo(java.io.OutputStream.nullOutputStream());
            ingest.verify();
        } catch (ContentMismatchException mismatch) {
            mismatch.addSuppressed(unpackFailure);
            return mismatch;
        } catch (IOException transferBroke) {
            transferBroke.addSuppressed(unpackFailure);
            return transferBroke;
        }
        if (unpackFailure instanceof io.jcri.image.unpack.UnsafeLayerException) {
            return unpackFailure;
        }
        return new io.jcri.image.unpack.InvalidLayerException("layer " + layer.digest() + " cannot be unpacked: "
                + unpackFailure.getMessage(), unpackFailure);
    }

    /** Copies everything read into the ingest (which hashes and size-checks it) and reports progress. */
    private static final class TeeInputStream extends FilterInputStream {
        private final ContentStore.Ingest ingest;
        private final Digest layer;
        private final PullProgress progress;

        TeeInputStream(InputStream in, ContentStore.Ingest ingest, Digest layer, PullProgress progress) {
            super(in);
            this.ingest = ingest;
            this.layer = layer;
            this.progress = progress;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                ingest.output().write(b, off, n);
                progress.advance(layer, n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[(int) Math.min(n, 8192)];
            int r = read(buf, 0, buf.length);
            return Math.max(r, 0);
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }

    /** Unwraps the CompletionException of a joined fetch. */
    public static Throwable cause(Throwable t) {
        while ((t instanceof CompletionException || t instanceof UncheckedIOException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
