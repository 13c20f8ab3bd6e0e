package io.jcri.image.metadata;

import io.jcri.image.reference.Digest;

/** One layer of an image: the blob as distributed and the diff id of its uncompressed tar (its snapshot key). */
public record LayerRecord(Digest digest, String mediaType, long size, Digest diffId) {
}
