package io.jcri.runtime.security;

import java.util.List;
import java.util.Locale;

/**
 * A resource limit for {@code setrlimit}/{@code prlimit}: {@code resource} is the kernel's RLIMIT_* number;
 * -1 (RLIM_INFINITY, all bits set) means unlimited. Soft must not exceed hard (compared unsigned, as the kernel).
 */
public record Rlimit(String type, int resource, long soft, long hard) {
    public static final long INFINITY = -1L;

    /** Index = resource number on Linux (x86_64 and the generic ABI). */
    private static final List<String> NAMES = List.of("RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK",
            "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS",
            "RLIMIT_LOCKS", "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO",
            "RLIMIT_RTTIME");

    public Rlimit {
        if (Long.compareUnsigned(soft, hard) > 0) {
            throw new IllegalArgumentException(type + ": soft limit " + render(soft) + " exceeds hard limit "
                    + render(hard));
        }
    }

    /** {@code type} as in the OCI spec ("RLIMIT_NOFILE"), also accepted without prefix and in any case. */
    public static Rlimit of(String type, long soft, long hard) {
        String name = canonical(type);
        return new Rlimit(name, resourceNumber(name), soft, hard);
    }

    /** Parses Docker's ulimit syntax: {@code nofile=1024:4096}, {@code nofile=1024}, {@code core=unlimited}. */
    public static Rlimit parse(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("rlimit \"" + spec + "\" is not TYPE=SOFT[:HARD]");
        }
        String values = spec.substring(eq + 1);
        int colon = values.indexOf(':');
        long soft = value(colon < 0 ? values : values.substring(0, colon), spec);
        long hard = colon < 0 ? soft : value(values.substring(colon + 1), spec);
        return of(spec.substring(0, eq), soft, hard);
    }

    public static int resourceNumber(String type) {
        int number = NAMES.indexOf(canonical(type));
        if (number < 0) {
            throw new IllegalArgumentException("unknown rlimit type \"" + type + "\"");
        }
        return number;
    }

    private static String canonical(String type) {
        String upper = type.strip().toUpperCase(Locale.ROOT);
        return upper.startsWith("RLIMIT_") ? upper : "RLIMIT_" + upper;
    }

    private static long value(String text, String spec) {
        String value = text.strip();
        if (value.equalsIgnoreCase("unlimited") || value.equals("-1")) {
            return INFINITY;
        }
        try {
            return Long.parseUnsignedLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("rlimit \"" + spec + "\": \"" + value + "\" is not a number");
        }
    }

    private static String render(long value) {
        return value == INFINITY ? "unlimited" : Long.toUnsignedString(value);
    }
}
