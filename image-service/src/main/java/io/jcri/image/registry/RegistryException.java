package io.jcri.image.registry;

/** A registry request that failed; {@link #status()} is the HTTP status, or 0 when none was received. */
public class RegistryException extends java.io.IOException {
    private final int status;

    public RegistryException(int status, String message) {
        super(message);
        this.status = status;
    }

    public RegistryException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
    }

    public int status() {
        return status;
    }

    public boolean isNotFound() {
        return status == 404;
    }

    public boolean isUnauthorized() {
        return status == 401 || status == 403;
    }
}
