package io.jcri.server.network;

/** A CNI operation that failed; the message carries the plugin's own error code and text where it gave one. */
public final class CniException extends RuntimeException {
    public CniException(String message) {
        super(message);
    }

    public CniException(String message, Throwable cause) {
        super(message, cause);
    }
}
