package io.jcri.server.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** Builds the effective configuration: defaults, then the TOML file, then command-line flags. */
public final class ConfigLoader {
    /** Read when no --config is given and the file exists. */
    public static final Path DEFAULT_CONFIG_FILE = Path.of("/etc/jcri/jcri.toml");

    private static final TomlMapper MAPPER = TomlMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private ConfigLoader() {
    }

    public static JcriConfig load(CommandLine cli) {
        JcriConfig config;
        if (cli.configFile().isPresent()) {
            Path file = cli.configFile().get();
            if (!Files.isRegularFile(file)) {
                throw new ConfigException("config file " + file + " does not exist or is not a regular file");
            }
            config = parse(file);
        } else if (Files.isRegularFile(DEFAULT_CONFIG_FILE)) {
            config = parse(DEFAULT_CONFIG_FILE);
        } else {
            config = new JcriConfig();
        }
        cli.socket().ifPresent(p -> config.overrideSocket(p.toAbsolutePath()));
        cli.rootDir().ifPresent(p -> config.overrideRootDir(p.toAbsolutePath()));
        cli.stateDir().ifPresent(p -> config.overrideStateDir(p.toAbsolutePath()));
        cli.logLevel().ifPresent(config::overrideLogLevel);
        cli.metricsAddress().ifPresent(config.metrics()::override);
        config.validate();
        return config;
    }

    /** Parses one TOML file over the defaults; errors name the file and the line. */
    public static JcriConfig parse(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        return parse(file.toString(), text);
    }

    static JcriConfig parse(String source, String toml) {
        try {
            JcriConfig config = MAPPER.readerForUpdating(new JcriConfig()).readValue(toml);
            return config == null ? new JcriConfig() : config;
        } catch (UnrecognizedPropertyException e) {
            String key = dottedKey(e);
            String known = e.getKnownPropertyIds().stream().map(Object::toString).sorted()
                    .collect(Collectors.joining(", "));
            String section = key.contains(".") ? " in [" + key.substring(0, key.lastIndexOf('.')) + "]" : "";
            throw new ConfigException(where(source, toml, key, e.getLocation()) + "unknown setting '"
                    + e.getPropertyName() + "'" + section + " (known: " + known + ")", e);
        } catch (JsonMappingException e) {
            String key = dottedKey(e);
            throw new ConfigException(where(source, toml, key, e.getLocation()) + "bad value for '" + key + "': "
                    + rootMessage(e), e);
        } catch (JacksonException e) {
            throw new ConfigException(where(source, toml, "", e.getLocation()) + "not valid TOML: "
                    + e.getOriginalMessage(), e);
        }
    }

    private static String dottedKey(JsonMappingException e) {
        return e.getPath().stream().map(JsonMappingException.Reference::getFieldName)
                .filter(java.util.Objects::nonNull).collect(Collectors.joining("."));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t instanceof JacksonException je ? je.getOriginalMessage() : t.getMessage();
    }

    private static String where(String source, String toml, String key, JsonLocation location) {
        if (location != null && location.getLineNr() > 0) {
            return source + " line " + location.getLineNr() + ": ";
        }
        var line = new TomlLineIndex(toml).lineOf(key);
        return line.isPresent() ? source + " line " + line.getAsInt() + ": " : source + ": ";
    }
}
