package io.jcri.image.unpack;

/** A layer whose bytes match their digest but are not a tar we can unpack: fetching it again will not help. */
public class InvalidLayerException extends java.io.IOException {
    public InvalidLayerException(String message, Throwable cause) {
        super(message, cause);
    }
}
