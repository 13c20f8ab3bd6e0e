package io.jcri.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The configuration reference, generated from the config classes so the documentation cannot drift:
 * {@code docs/configuration.md} (a table per section) and {@code deploy/jcri.toml} (every setting, commented,
 * at its default). {@code ConfigReferenceTest} fails when either file differs from what this produces.
 *
 * <p>Regenerate: {@code java -cp cri-server/target/jcri.jar io.jcri.server.config.ConfigReference markdown >
 * docs/configuration.md} and likewise {@code toml > deploy/jcri.toml}.
 */
public final class ConfigReference {
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new SimpleModule().addSerializer(Path.class, ToStringSerializer.instance));

    /** One documented setting: its TOML table ("" for top level), key, default as TOML, and description. */
    public record Entry(String table, String key, String defaultToml, String description) {
    }

    private ConfigReference() {
    }

    public static void main(String[] args) {
        String format = args.length > 0 ? args[0] : "markdown";
        System.out.print(format.equals("toml") ? toml() : markdown());
    }

    /** Every setting, in declaration order; fails if a field lacks {@link Setting}. */
    public static List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        walk("", new JcriConfig(), out);
        return out;
    }

    private static void walk(String table, Object section, List<Entry> out) {
        List<Object[]> subsections = new ArrayList<>();
        for (Field f : section.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            JsonProperty name = f.getAnnotation(JsonProperty.class);
            if (name == null) {
                throw new IllegalStateException(section.getClass().getSimpleName() + "." + f.getName()
                        + " has no @JsonProperty: every config field must have its TOML name");
            }
            Object value = read(f, section);
            Setting doc = f.getAnnotation(Setting.class);
            if (Map.class.isAssignableFrom(f.getType())) {
                if (doc == null) {
                    throw undocumented(section, f);
                }
                Class<?> valueType = (Class<?>) ((ParameterizedType) f.getGenericType()).getActualTypeArguments()[1];
                subsections.add(new Object[] {join(table, name.value()) + ".\"<host>\"", newInstance(valueType)});
            } else if (doc == null && isSection(f.getType())) {
                subsections.add(new Object[] {join(table, name.value()), value});
            } else {
                if (doc == null) {
                    throw undocumented(section, f);
                }
                out.add(new Entry(table, name.value(), toToml(value), doc.value()));
            }
        }
        for (Object[] s : subsections) {
            walk((String) s[0], s[1], out);
        }
    }

    private static IllegalStateException undocumented(Object section, Field f) {
        return new IllegalStateException(section.getClass().getSimpleName() + "." + f.getName()
                + " has no @Setting: document every configuration setting");
    }

    private static boolean isSection(Class<?> type) {
        return type.getPackageName().equals(ConfigReference.class.getPackageName()) && !type.isEnum();
    }

    private static String join(String table, String key) {
        return table.isEmpty() ? key : table + "." + key;
    }

    private static Object read(Field f, Object owner) {
        try {
            f.setAccessible(true);
            return f.get(owner);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object newInstance(Class<?> type) {
        try {
            var c = type.getDeclaredConstructor();
            c.setAccessible(true);
            return c.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make a default " + type.getSimpleName(), e);
        }
    }

    private static String toToml(Object value) {
        try {
            String json = JSON.writeValueAsString(value);
            return json.replace(",", ", ");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# jcri configuration reference\n\n")
                .append("Generated from the config classes by `io.jcri.server.config.ConfigReference`; a test fails ")
                .append("when this file and the classes disagree. The file is TOML, `/etc/jcri/jcri.toml` by default ")
                .append("(`--config FILE`); every setting has the default shown, so jcri runs without a file.\n");
        String table = null;
        for (Entry e : entries()) {
            if (!e.table().equals(table)) {
                table = e.table();
                sb.append("\n## ").append(table.isEmpty() ? "Top level" : "`[" + table + "]`").append("\n\n")
                        .append("| setting | default | meaning |\n|---|---|---|\n");
            }
            sb.append("| `").append(e.key()).append("` | `").append(e.defaultToml()).append("` | ")
                    .append(e.description().replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }

    public static String toml() {
        StringBuilder sb = new StringBuilder();
        sb.append("# jcri configuration: /etc/jcri/jcri.toml (or jcri --config FILE).\n")
                .append("# Generated from the config classes (docs/configuration.md has the same as tables).\n")
                .append("# Every setting shows its default; the daemon runs with no file at all.\n")
                .append("# Command-line flags (--socket, --root, --state, --log-level, --metrics-address) override it.\n");
        String table = "";
        for (Entry e : entries()) {
            if (!e.table().equals(table)) {
                table = e.table();
                if (table.contains("\"<host>\"")) {
                    sb.append("\n# One table per registry host, for example:\n# [")
                            .append(table.replace("\"<host>\"", "\"docker.io\"")).append("]\n");
                } else {
                    sb.append("\n[").append(table).append("]\n");
                }
            }
            sb.append("\n");
            for (String line : wrap(e.description(), 100)) {
                sb.append("# ").append(line).append('\n');
            }
            String prefix = table.contains("\"<host>\"") ? "# " : "";
            sb.append(prefix).append(e.key()).append(" = ").append(e.defaultToml()).append('\n');
        }
        return sb.toString();
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }
}
