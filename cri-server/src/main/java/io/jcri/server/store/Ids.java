package io.jcri.server.store;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Sandbox and container ids: 64 random hex digits, like containerd's, so prefixes are practically unique. */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    public static String newId() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Ids and prefixes typed by people or kubelet: hex digits only, so they are safe as file names. */
    public static boolean plausible(String idOrPrefix) {
        return idOrPrefix != null && idOrPrefix.matches("[0-9a-f]{1,64}");
    }
}
