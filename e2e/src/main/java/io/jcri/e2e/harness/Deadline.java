package io.jcri.e2e.harness;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds or a deadline passes: the only way tests wait. */
public final class Deadline {
    private static final double SCALE = scale(System.getenv("JCRI_E2E_TIME_SCALE"));

    private Deadline() {
    }

    /**
     * {@code timeout} stretched by {@code JCRI_E2E_TIME_SCALE} (default 1), for a machine known to be slow: the
     * VM tier's guest runs its JVMs on an emulated CPU (e2e/vm/ci-guest.sh sets it). A deadline, so a larger
     * value costs nothing when the condition holds early.
     */
    public static Duration scaled(Duration timeout) {
        return SCALE == 1 ? timeout : Duration.ofMillis((long) (timeout.toMillis() * SCALE));
    }

    static double scale(String value) {
        if (value == null || value.isBlank()) {
            return 1;
        }
        try {
            double v = Double.parseDouble(value.strip());
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new IllegalArgumentException("JCRI_E2E_TIME_SCALE must be a number of at least 1, not \"" + value
                + "\"");
    }

    public static void await(Duration timeout, String what, BooleanSupplier condition) {
        long end = System.nanoTime() + timeout.toNanos();
        long pause = 2;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
            pause = Math.min(pause * 2, 50);
        }
    }
}
