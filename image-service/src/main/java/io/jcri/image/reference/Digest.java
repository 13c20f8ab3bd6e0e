package io.jcri.image.reference;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A content digest {@code algorithm:hex}; only sha256 (and sha512) content can be verified. */
public record Digest(String algorithm, String hex) {
    private static final Pattern ALGORITHM = Pattern.compile("[a-z0-9]+(?:[.+_-][a-z0-9]+)*");
    private static final Pattern HEX = Pattern.compile("[a-f0-9]{32,}");

    public Digest {
        if (!ALGORITHM.matcher(algorithm).matches()) {
            throw new IllegalArgumentException("invalid digest algorithm \"" + algorithm + "\"");
        }
        int expected = switch (algorithm) {
            case "sha256" -> 64;
            case "sha512" -> 128;
            default -> throw new IllegalArgumentException("unsupported digest algorithm \"" + algorithm + "\"");
        };
        if (hex.length() != expected || !HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("invalid " + algorithm + " digest \"" + hex + "\"");
        }
    }

    @JsonCreator
    public static Digest parse(String s) {
        int colon = s.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("invalid digest \"" + s + "\"");
        }
        return new Digest(s.substring(0, colon), s.substring(colon + 1));
    }

    public static Digest sha256(byte[] content) {
        return new Digest("sha256", HexFormat.of().formatHex(newSha256().digest(content)));
    }

    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh hasher for this digest's algorithm. */
    public MessageDigest newHasher() {
        try {
            return MessageDigest.getInstance(algorithm.equals("sha256") ? "SHA-256" : "SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean matches(MessageDigest finished) {
        return HexFormat.of().formatHex(finished.digest()).equals(hex);
    }

    @JsonValue
    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }
}
