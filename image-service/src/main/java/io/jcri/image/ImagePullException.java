package io.jcri.image;

/** A pull that failed; the message names the reference and the cause (not found, unauthorized, mismatch...). */
public class ImagePullException extends Exception {
    public ImagePullException(String message, Throwable cause) {
        super(message, cause);
    }
}
