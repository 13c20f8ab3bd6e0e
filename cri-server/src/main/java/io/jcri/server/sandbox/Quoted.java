package io.jcri.server.sandbox;

/** A piece of the request quoted in an error message: escaped and cut to a few hundred bytes. */
final class Quoted {
    static final int MAX_CHARS = 200;

    private Quoted() {
    }

    static String of(String s) {
        StringBuilder sb = new StringBuilder("\"");
        int n = Math.min(s.length(), MAX_CHARS);
        for (int i = 0; i < n; i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (ch < 0x20 || ch == 0x7f) sb.append(String.format("\\x%02x", (int) ch));
                    else sb.append(ch);
                }
            }
        }
        sb.append('"');
        if (s.length() > n) sb.append(" (").append(s.length()).append(" characters, cut)");
        return sb.toString();
    }
}
