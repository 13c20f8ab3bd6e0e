package io.jcri.server.logs;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The CRI container log line: {@code <RFC3339Nano time> <stdout|stderr> <F|P> <content>\n}. {@code P} marks a
 * part of a line that was longer than the maximum and continues in the next entry; {@code F} ends a line.
 */
public final class CriLogFormat {
    /** containerd's default {@code max_container_log_line_size}. */
    public static final int DEFAULT_MAX_LINE_BYTES = 16 * 1024;

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private CriLogFormat() {
    }

    /** Go's {@code time.RFC3339Nano} in UTC: the fraction without trailing zeros, none at all when zero. */
    public static String timestamp(Instant t) {
        StringBuilder sb = new StringBuilder(35).append(SECONDS.format(t));
        int nanos = t.getNano();
        if (nanos != 0) {
            String frac = String.format("%09d", nanos);
            int end = frac.length();
            while (frac.charAt(end - 1) == '0') {
                end--;
            }
            sb.append('.').append(frac, 0, end);
        }
        return sb.append('Z').toString();
    }

    /** The prefix up to and including the space before the content. */
    public static byte[] prefix(Instant t, LogStream stream, boolean partial) {
        return (timestamp(t) + ' ' + stream.criName() + ' ' + (partial ? 'P' : 'F') + ' ')
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
