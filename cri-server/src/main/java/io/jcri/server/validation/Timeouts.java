package io.jcri.server.validation;

import io.jcri.server.grpc.CriException;
import java.time.Duration;

/**
 * Timeouts in seconds as the CRI sends them (int64). Negative is refused; anything above ten years is read as ten
 * years, which is "never" for a container and keeps every deadline computed from it (nanoseconds since an
 * arbitrary origin, in a long) far from overflowing. containerd multiplies by time.Second in an int64 and
 * silently wraps for such values.
 */
public final class Timeouts {
    static final long MAX_SECONDS = 10L * 366 * 24 * 3600;

    private Timeouts() {
    }

    public static Duration seconds(String rpc, String field, long seconds) {
        if (seconds < 0) {
            throw CriException.invalidArgument(rpc + ": " + field + " must be >= 0, got " + seconds);
        }
        return Duration.ofSeconds(Math.min(seconds, MAX_SECONDS));
    }
}
