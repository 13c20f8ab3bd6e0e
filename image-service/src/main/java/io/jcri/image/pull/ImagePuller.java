package io.jcri.image.pull;

import io.jcri.image.manifest.Descriptor;
import io.jcri.image.manifest.ImageConfig;
import io.jcri.image.manifest.ImageIndex;
import io.jcri.image.manifest.ImageManifest;
import io.jcri.image.manifest.ManifestParser;
import io.jcri.image.manifest.MediaTypes;
import io.jcri.image.manifest.Platform;
import io.jcri.image.manifest.PlatformSelector;
import io.jcri.image.manifest.UnsupportedManifestException;
import io.jcri.image.metadata.ImageRecord;
import io.jcri.image.metadata.LayerRecord;
import io.jcri.image.reference.ImageReference;
import io.jcri.image.registry.Credentials;
import io.jcri.image.registry.ManifestResponse;
import io.jcri.image.registry.RegistryClient;
import io.jcri.image.registry.RegistryEndpoint;
import io.jcri.image.registry.RegistryException;
import io.jcri.image.registry.RegistryHosts;
import io.jcri.image.store.ContentLeases;
import io.jcri.image.store.ContentStore;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

/**
 * Resolves a reference to a single-platform manifest on the first endpoint (mirror or host) that has it, then
 * gets config and layers into the store. Returns the image's record; storing it is the caller's business.
 */
public final class ImagePuller {
    private static final Logger LOG = Logger.getLogger(ImagePuller.class.getName());

    private final RegistryHosts hosts;
    private final RegistryClient client;
    private final ContentStore store;
    private final LayerFetcher layers;
    private final Platform platform;
    private final Duration progressInterval;

    public ImagePuller(RegistryHosts hosts, RegistryClient client, ContentStore store, LayerFetcher layers,
                       Platform platform, Duration progressInterval) {
        this.hosts = hosts;
        this.client = client;
        this.store = store;
        this.layers = layers;
        this.platform = platform;
        this.progressInterval = progressInterval;
    }

    /** Pulls; every digest the image uses is added to {@code lease} before its content is looked for or written. */
    public ImageRecord pull(ImageReference ref, Credentials creds, ContentLeases.Lease lease) throws Exception {
        List<RegistryEndpoint> endpoints = hosts.endpoints(ref.domain());
        Exception last = null;
        for (RegistryEndpoint ep : endpoints) {
            ManifestResponse top;
            try {
                top = client.fetchManifest(ep, ref.path(), ref.manifestReference(), creds);
            } catch (RegistryException e) {
                LOG.info("cannot resolve " + ref + " at " + ep + ": " + e.getMessage());
                last = e;
                continue;
            }
            return pullFrom(ep, ref, top, creds, lease);
        }
        throw last != null ? last : new RegistryException(0, "no endpoint configured for " + ref.domain());
    }

    private ImageRecord pullFrom(RegistryEndpoint ep, ImageReference ref, ManifestResponse top, Credentials creds,
                                 ContentLeases.Lease lease) throws Exception {
        String repo = ref.path();
        Object parsed = ManifestParser.parse(top.body(), top.contentType());
        lease.add(top.digest());
        store.putBlob(Descriptor.of(top.contentType(), top.digest(), top.body().length), top.body());
        ManifestResponse used = top;
        if (parsed instanceof ImageIndex index) {
            Descriptor chosen = PlatformSelector.select(index, platform).orElseThrow(() ->
                    new UnsupportedManifestException("image " + ref + " has no manifest for platform " + platform
                            + "; it offers " + index.manifests().stream()
                            .map(d -> String.valueOf(d.platform())).toList()));
            used = client.fetchManifest(ep, repo, chosen.digest().toString(), creds);
            parsed = ManifestParser.parse(used.body(), used.contentType());
            if (!(parsed instanceof ImageManifest)) {
                throw new UnsupportedManifestException("index entry " + chosen.digest() + " is not an image manifest");
            }
            lease.add(used.digest());
            store.putBlob(Descriptor.of(chosen.mediaType(), used.digest(), used.body().length), used.body());
        }
        ImageManifest manifest = (ImageManifest) parsed;
        Descriptor configDesc = manifest.config();
        byte[] configBlob;
        lease.add(configDesc.digest());
        if (store.hasBlob(configDesc.digest())) {
            configBlob = store.readBlob(configDesc.digest());
        } else {
            configBlob = client.fetchBlob(ep, repo, configDesc, creds);
            store.putBlob(configDesc, configBlob);
        }
        ImageConfig config = ImageConfig.parse(configBlob);
        if (config.diffIds().size() != manifest.layers().size()) {
            throw new UnsupportedManifestException("image config names " + config.diffIds().size()
                    + " diff ids for " + manifest.layers().size() + " layers");
        }
        try (PullProgress progress = PullProgress.begin(ref.toString(), progressInterval)) {
            return fetchLayers(ep, ref, top, used, manifest, configDesc, config, creds, lease, progress);
        }
    }

    private ImageRecord fetchLayers(RegistryEndpoint ep, ImageReference ref, ManifestResponse top,
                                    ManifestResponse used, ImageManifest manifest, Descriptor configDesc,
                                    ImageConfig config, Credentials creds, ContentLeases.Lease lease,
                                    PullProgress progress) throws Exception {
        String repo = ref.path();
        LayerFetcher.Source source = new LayerFetcher.Source(ep, repo, creds);
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        List<LayerRecord> layerRecords = new ArrayList<>();
        long size = configDesc.size();
        for (int i = 0; i < manifest.layers().size(); i++) {
            Descriptor l = manifest.layers().get(i);
            if (!isLayerMediaType(l.mediaType())) {
                throw new UnsupportedManifestException("layer " + l.digest() + " has unsupported media type \""
                        + l.mediaType() + "\"");
            }
            lease.add(l.digest());
            lease.add(config.diffIds().get(i));
            pending.add(layers.fetch(source, l, config.diffIds().get(i), progress));
            layerRecords.add(new LayerRecord(l.digest(), l.mediaType(), l.size(), config.diffIds().get(i)));
            size += l.size();
        }
        awaitAll(pending);
        List<String> tags = ref.digest().isEmpty() ? ref.taggedName().map(List::of).orElse(List.of()) : List.of();
        List<String> digests = List.of(ref.digestedName(top.digest()));
        return new ImageRecord(configDesc.digest().toString(), tags, digests, size, used.digest(),
                manifest.mediaType(), config, layerRecords, System.currentTimeMillis(), false);
    }

    private static boolean isLayerMediaType(String mt) {
        return mt.isEmpty() || mt.equals(MediaTypes.OCI_LAYER) || mt.equals(MediaTypes.OCI_LAYER_GZIP)
                || mt.equals(MediaTypes.OCI_LAYER_ZSTD) || mt.equals(MediaTypes.OCI_LAYER_NONDIST_GZIP)
                || mt.equals(MediaTypes.DOCKER_LAYER_GZIP) || mt.equals(MediaTypes.DOCKER_LAYER_FOREIGN_GZIP)
                || mt.equals("application/vnd.oci.image.layer.nondistributable.v1.tar")
                || mt.equals("application/vnd.docker.image.rootfs.diff.tar")
                || mt.equals("application/vnd.docker.image.rootfs.diff.tar.zstd");
    }

    /** Waits for every layer even when one fails, so no fetch is still writing when the pull reports failure. */
    private static void awaitAll(List<CompletableFuture<Void>> pending) throws Exception {
        Throwable first = null;
        for (CompletableFuture<Void> f : pending) {
            try {
                f.join();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = LayerFetcher.cause(e);
                }
            }
        }
        if (first instanceof Exception ex) {
            throw ex;
        }
        if (first instanceof Error err) {
            throw err;
        }
        if (first != null) {
            throw new IOException(first);
        }
    }
}
