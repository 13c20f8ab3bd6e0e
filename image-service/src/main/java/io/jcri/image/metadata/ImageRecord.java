package io.jcri.image.metadata;

import io.jcri.image.manifest.ImageConfig;
import io.jcri.image.reference.Digest;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * An image as the CRI sees it. {@code id} is the config digest ({@code sha256:...}): what PullImage returns and
 * containers report as image_ref. {@code size} is the sum of the config and layer blob sizes.
 *
 * @param repoTags       normalised {@code repository:tag} names
 * @param repoDigests    normalised {@code repository@digest} names (the digest the tag resolved to: an index's
 *                       digest for multi-platform images)
 * @param manifestDigest the single-platform manifest actually used
 * @param pinned         set on query results from the configured pinned images; not persisted
 */
public record ImageRecord(
        String id,
        List<String> repoTags,
        List<String> repoDigests,
        long size,
        Digest manifestDigest,
        String manifestMediaType,
        ImageConfig config,
        List<LayerRecord> layers,
        long pulledAtEpochMillis,
        boolean pinned) {

    public ImageRecord {
        repoTags = List.copyOf(repoTags);
        repoDigests = List.copyOf(repoDigests);
        layers = List.copyOf(layers);
    }

    public Digest configDigest() {
        return Digest.parse(id);
    }

    public ImageRecord withNames(List<String> tags, List<String> digests) {
        return new ImageRecord(id, tags, digests, size, manifestDigest, manifestMediaType, config, layers, pulledAtEpochMillis,
                pinned);
    }

    public ImageRecord withPinned(boolean p) {
        return new ImageRecord(id, repoTags, repoDigests, size, manifestDigest, manifestMediaType, config, layers,
                pulledAtEpochMillis, p);
    }

    /** This record with the names of {@code other} (a new pull of the same image) added. */
    public ImageRecord mergeNames(ImageRecord other) {
        LinkedHashSet<String> tags = new LinkedHashSet<>(repoTags);
        tags.addAll(other.repoTags);
        LinkedHashSet<String> digests = new LinkedHashSet<>(repoDigests);
        digests.addAll(other.repoDigests);
        return withNames(new ArrayList<>(tags), new ArrayList<>(digests));
    }

    /** The numeric uid of the config's User ({@code 1000} or {@code 1000:1000}), if it is numeric. */
    public Optional<Long> uid() {
        String user = config.user();
        String u = user.contains(":") ? user.substring(0, user.indexOf(':')) : user;
        if (u.isEmpty() || !u.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(u));
    }

    /** The user name of the config's User when it is not numeric; empty otherwise. */
    public String username() {
        String user = config.user();
        String u = user.contains(":") ? user.substring(0, user.indexOf(':')) : user;
        return uid().isPresent() ? "" : u;
    }
}
