package io.jcri.image.manifest;

import java.util.Locale;

/** An image platform: os, architecture and optional variant (as in linux/arm/v7). */
public record Platform(String os, String architecture, String variant) {
    public Platform {
        variant = variant == null ? "" : variant;
    }

    /** Parses {@code os/arch[/variant]}. */
    public static Platform parse(String s) {
        String[] parts = s.split("/");
        if (parts.length < 2 || parts.length > 3) {
            throw new IllegalArgumentException("invalid platform \"" + s + "\", expected os/arch[/variant]");
        }
        return normalise(new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : ""));
    }

    /** The platform of this JVM's host, in Go's GOARCH vocabulary. */
    public static Platform host() {
        String arch = switch (System.getProperty("os.arch").toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "arm" -> "arm";
            case "ppc64le" -> "ppc64le";
            case "s390x" -> "s390x";
            case "riscv64" -> "riscv64";
            case "x86", "i386", "i686" -> "386";
            default -> System.getProperty("os.arch");
        };
        return normalise(new Platform("linux", arch, ""));
    }

    /** Same normalisation as containerd's platforms package for the common cases (arm64 means arm64/v8). */
    public static Platform normalise(Platform p) {
        String arch = p.architecture.toLowerCase(Locale.ROOT);
        String variant = p.variant;
        switch (arch) {
            case "x86_64", "x86-64" -> arch = "amd64";
            case "aarch64", "arm64" -> {
                arch = "arm64";
                if (variant.equals("8") || variant.isEmpty()) {
                    variant = "v8";
                }
            }
            case "armhf" -> {
                arch = "arm";
                variant = "v7";
            }
            case "armel" -> {
                arch = "arm";
                variant = "v6";
            }
            default -> {
            }
        }
        if (arch.equals("amd64") && variant.equals("v1")) {
            variant = "";
        }
        return new Platform(p.os.toLowerCase(Locale.ROOT), arch, variant);
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant.isEmpty() ? "" : "/" + variant);
    }
}
