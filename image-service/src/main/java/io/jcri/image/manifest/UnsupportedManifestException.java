package io.jcri.image.manifest;

/** A manifest this runtime cannot use: schema1, an unknown media type, or no entry for our platform. */
public class UnsupportedManifestException extends RuntimeException {
    public UnsupportedManifestException(String message) {
        super(message);
    }
}
