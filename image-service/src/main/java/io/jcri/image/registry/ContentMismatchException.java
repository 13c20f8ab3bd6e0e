package io.jcri.image.registry;

/** Content whose bytes do not match the digest or size that referenced it. */
public class ContentMismatchException extends java.io.IOException {
    public ContentMismatchException(String message) {
        super(message);
    }
}
