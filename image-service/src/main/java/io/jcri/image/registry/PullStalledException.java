package io.jcri.image.registry;

import java.time.Duration;

/** No byte arrived from the registry for the configured stall timeout: the transfer was cancelled. */
public class PullStalledException extends java.io.IOException {
    public PullStalledException(String what, Duration timeout) {
        super("pull stalled: no data received for " + timeout.toMillis() + " ms while reading " + what);
    }
}
