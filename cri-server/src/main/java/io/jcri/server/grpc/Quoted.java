package io.jcri.server.grpc;

/**
 * The one place where text that came from a request is cut before it goes into an answer or a log line: a
 * client may send megabytes in one string (a pod name, an argument), and an error that echoed it whole broke
 * clients' metadata limits (gRPC's default is 8 KiB for all headers) and grew the log by megabytes per call.
 */
public final class Quoted {
    /** What one quoted piece of input keeps: enough to recognise it. */
    static final int MAX_QUOTED_CHARS = 160;
    /** An answer's description (and a log line's message) is cut to this, well under gRPC's header limit. */
    static final int MAX_MESSAGE_BYTES = 900;

    private Quoted() {
    }

    /**
     * {@code s} in double quotes, control characters escaped (a newline or NUL in a name must not split a log
     * line), cut to {@value #MAX_QUOTED_CHARS} characters with the original length said.
     */
    public static String of(String s) {
        if (s == null) {
            return "\"\"";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_QUOTED_CHARS) + 32).append('"');
        int n = Math.min(s.length(), MAX_QUOTED_CHARS);
        for (int i = 0; i < n; i++) {
            appendEscaped(b, s.charAt(i));
        }
        b.append('"');
        if (s.length() > MAX_QUOTED_CHARS) {
            b.append("... (").append(s.length()).append(" characters)");
        }
        return b.toString();
    }

    /**
     * A whole message cut to about {@value #MAX_MESSAGE_BYTES} bytes of UTF-8, control characters escaped (so a
     * log line stays one line).
     */
    public static String message(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_MESSAGE_BYTES) + 32);
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int before = b.length();
            if (c < 0x20 || c == 0x7f) {
                appendEscaped(b, c);
            } else {
                b.append(c);
            }
            bytes += c < 0x80 ? b.length() - before : Character.isSurrogate(c) ? 2 : c < 0x800 ? 2 : 3;
            if (bytes >= MAX_MESSAGE_BYTES && i + 1 < s.length()) {
                if (Character.isHighSurrogate(c)) {
                    b.setLength(b.length() - 1);
                }
                b.append("... (cut, ").append(s.length()).append(" characters)");
                break;
            }
        }
        return b.toString();
    }

    private static void appendEscaped(StringBuilder b, char c) {
        switch (c) {
            case '\n' -> b.append("\\n");
            case '\r' -> b.append("\\r");
            case '\t' -> b.append("\\t");
            case '"' -> b.append("\\\"");
            case '\\' -> b.append("\\\\");
            default -> {
                if (c < 0x20 || c == 0x7f) {
                    b.append(String.format("\\x%02x", (int) c));
                } else {
                    b.append(c);
                }
            }
        }
    }
}
