package io.jcri.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.logging.Level;

/** Log levels as operators name them, mapped onto java.util.logging. */
public enum LogLevel {
    DEBUG(Level.FINE), INFO(Level.INFO), WARN(Level.WARNING), ERROR(Level.SEVERE);

    private final Level julLevel;

    LogLevel(Level julLevel) {
        this.julLevel = julLevel;
    }

    public Level julLevel() {
        return julLevel;
    }

    @JsonValue
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static LogLevel parse(String value) {
        for (LogLevel l : values()) {
            if (l.configName().equalsIgnoreCase(value)) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown log level '" + value + "', expected one of "
                + Arrays.stream(values()).map(LogLevel::configName).toList());
    }
}
