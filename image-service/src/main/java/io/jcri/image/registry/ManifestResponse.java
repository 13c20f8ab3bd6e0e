package io.jcri.image.registry;

import io.jcri.image.reference.Digest;

/** A manifest as served: its bytes, the Content-Type the registry sent, and the digest of the bytes. */
public record ManifestResponse(byte[] body, String contentType, Digest digest) {
}
