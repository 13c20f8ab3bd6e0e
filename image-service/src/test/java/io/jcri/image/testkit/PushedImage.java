package io.jcri.image.testkit;

import io.jcri.image.reference.Digest;

import java.util.List;

/**
 * What a push produced.
 *
 * @param reference   {@code host/repo:tag} to pull it by
 * @param digest      what the tag points at (manifest, or index for multi-platform)
 * @param imageIds    config digests (image ids) per platform, in push order
 * @param manifests   single-platform manifest digests, in push order
 * @param layers      all layers pushed, per platform in push order
 */
public record PushedImage(String reference, Digest digest, List<Digest> imageIds, List<Digest> manifests,
                          List<List<TestLayer>> layers) {
    public Digest imageId() {
        return imageIds.get(0);
    }

    /** {@code host/repo@digest} */
    public String digestReference() {
        String name = reference.substring(0, reference.lastIndexOf(':'));
        return name + "@" + digest;
    }
}
