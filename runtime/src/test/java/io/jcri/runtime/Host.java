package io.jcri.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** Host-side observations of processes and the daemon itself. */
final class Host {
    private Host() {}

    static String ns(long pid, String type) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/" + type)).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String selfNs(String type) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/ns/" + type)).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String status(long pid, String field) {
        for (String line : read(Path.of("/proc/" + pid + "/status")).split("\n")) {
            if (line.startsWith(field + ":")) return line.substring(field.length() + 1).trim();
        }
        throw new IllegalArgumentException(field);
    }

    static List<String> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> mountinfo() {
        return List.of(read(Path.of("/proc/self/mountinfo")).split("\n"));
    }

    static int threadCount() {
        return list(Path.of("/proc/self/task")).size();
    }

    /** This JVM's threads whose name starts with {@code prefix} (as the kernel shows it: 15 characters). */
    static List<String> threadsNamed(String prefix) {
        return list(Path.of("/proc/self/task")).stream().map(t -> {
            try {
                return Files.readString(Path.of("/proc/self/task", t, "comm")).trim();
            } catch (IOException e) {
                return ""; // the thread ended meanwhile
            }
        }).filter(n -> n.startsWith(prefix)).toList();
    }

    /** Polls until the condition holds or the deadline passes; returns the last result. */
    static boolean eventually(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) return true;
            if (System.nanoTime() > deadline) return false;
            try {
                Thread.sleep(5); // polling interval, not synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    static String waitForFile(Path p, String needle, Duration timeout) {
        String[] last = {""};
        eventually(timeout, () -> {
            try {
                last[0] = Files.exists(p) ? Files.readString(p) : "";
            } catch (IOException e) {
                return false;
            }
            return last[0].contains(needle);
        });
        return last[0];
    }
}
