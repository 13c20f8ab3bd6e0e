package io.jcri.server.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/** {@code <RFC3339 time> <LEVEL> <logger> <message>} on one line, stack traces indented below. */
public final class OneLineFormatter extends Formatter {
    @Override
    public String format(LogRecord record) {
        StringBuilder sb = new StringBuilder(128);
        sb.append(Instant.ofEpochMilli(record.getMillis())).append(' ')
                .append(levelName(record.getLevel())).append(' ')
                .append(shortName(record.getLoggerName())).append(' ')
                .append(formatMessage(record)).append('\n');
        if (record.getThrown() != null) {
            StringWriter sw = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(sw));
            sb.append(sw.toString().indent(4));
        }
        return sb.toString();
    }

    static String levelName(Level level) {
        int v = level.intValue();
        if (v >= Level.SEVERE.intValue()) {
            return "ERROR";
        } else if (v >= Level.WARNING.intValue()) {
            return "WARN";
        } else if (v >= Level.INFO.intValue()) {
            return "INFO";
        }
        return "DEBUG";
    }

    private static String shortName(String logger) {
        if (logger == null) {
            return "-";
        }
        return logger.startsWith("io.jcri.") ? logger.substring("io.jcri.".length()) : logger;
    }
}
