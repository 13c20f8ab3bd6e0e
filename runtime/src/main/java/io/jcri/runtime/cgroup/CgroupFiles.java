package io.jcri.runtime.cgroup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reading and writing cgroupfs control files. Writes never create files: a missing file is an error. */
final class CgroupFiles {
    private CgroupFiles() {
    }

    static void write(Path dir, String file, String value) {
        Path path = dir.resolve(file);
        try {
            Files.write(path, value.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (NoSuchFileException e) {
            throw new CgroupException("cannot write \"" + value + "\" to " + path
                    + ": no such file (controller not available there?)", e);
        } catch (IOException e) {
            throw new CgroupException("cannot write \"" + value + "\" to " + path + ": " + e.getMessage(), e);
        }
    }

    static String read(Path dir, String file) {
        Path path = dir.resolve(file);
        try {
            return Files.readString(path, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new CgroupException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    static boolean exists(Path dir, String file) {
        return Files.exists(dir.resolve(file));
    }

    /** A single number; absent file or "max" read as {@code absent}. */
    static long readLong(Path dir, String file, long absent) {
        if (!exists(dir, file)) {
            return absent;
        }
        String value = read(dir, file);
        return value.isEmpty() || value.equals("max") ? absent : Long.parseLong(value);
    }

    /** "key value" lines (memory.stat, cpu.stat, memory.events, oom_control); absent file reads as empty. */
    static Map<String, Long> readKeyValues(Path dir, String file) {
        Map<String, Long> values = new HashMap<>();
        if (!exists(dir, file)) {
            return values;
        }
        for (String line : read(dir, file).split("\n")) {
            String[] parts = line.strip().split("\\s+");
            if (parts.length == 2) {
                try {
                    values.put(parts[0], Long.parseLong(parts[1]));
                } catch (NumberFormatException ignored) {
                    // not a counter
                }
            }
        }
        return values;
    }

    /** One id per line (cgroup.procs, tasks). */
    static List<Long> readIds(Path dir, String file) {
        List<Long> ids = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return ids;
        }
        for (String line : read(dir, file).split("\n")) {
            if (!line.isBlank()) {
                ids.add(Long.parseLong(line.strip()));
            }
        }
        return ids;
    }
}
