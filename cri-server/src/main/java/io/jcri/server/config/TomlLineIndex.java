package io.jcri.server.config;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where each key of a TOML document stands. Jackson's TOML reader maps from a parsed tree, so its mapping
 * errors carry no line; this index finds it from the dotted key ({@code cgroup.driver}).
 */
final class TomlLineIndex {
    private static final Pattern TABLE = Pattern.compile("^\\s*\\[\\[?\\s*([^\\]]+?)\\s*\\]\\]?\\s*(#.*)?$");
    private static final Pattern KEY = Pattern.compile("^\\s*([A-Za-z0-9_\\-.\"' ]+?)\\s*=");

    private final Map<String, Integer> lines = new HashMap<>();

    TomlLineIndex(String toml) {
        String table = "";
        String[] all = toml.split("\n", -1);
        for (int i = 0; i < all.length; i++) {
            String line = all[i];
            Matcher t = TABLE.matcher(line);
            if (t.matches()) {
                table = normalise(t.group(1));
                lines.putIfAbsent(table, i + 1);
                continue;
            }
            Matcher k = KEY.matcher(line);
            if (k.find()) {
                String key = normalise(k.group(1));
                lines.putIfAbsent(table.isEmpty() ? key : table + "." + key, i + 1);
            }
        }
    }

    OptionalInt lineOf(String dottedKey) {
        Integer line = lines.get(dottedKey);
        return line == null ? OptionalInt.empty() : OptionalInt.of(line);
    }

    private static String normalise(String key) {
        StringBuilder sb = new StringBuilder();
        for (String part : key.split("\\.")) {
            String p = part.trim();
            if (p.length() >= 2 && (p.startsWith("\"") && p.endsWith("\"") || p.startsWith("'") && p.endsWith("'"))) {
                p = p.substring(1, p.length() - 1);
            }
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append(p);
        }
        return sb.toString();
    }
}
