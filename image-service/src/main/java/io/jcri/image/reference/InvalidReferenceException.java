package io.jcri.image.reference;

/** A string that is not a valid image reference; the CRI layer maps it to INVALID_ARGUMENT. */
public class InvalidReferenceException extends IllegalArgumentException {
    public InvalidReferenceException(String reference, String reason) {
        super("invalid image reference \"" + reference + "\": " + reason);
    }
}
