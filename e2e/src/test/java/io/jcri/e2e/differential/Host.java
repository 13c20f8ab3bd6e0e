package io.jcri.e2e.differential;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/** Commands on the host the cases need (mount, umount, ip), and what the host's mount table says. */
final class Host {
    private Host() {
    }

    /** Runs a command, returns its combined output; fails on a non-zero exit. */
    static String run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.waitFor();
            if (rc != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " exited " + rc + ": " + out.trim());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs a command and ignores how it ends (cleanup of what may not exist). */
    static void quietly(String... cmd) {
        try {
            run(cmd);
        } catch (RuntimeException ignored) {
            // nothing to undo
        }
    }

    /** Mount points of the host's (this JVM's) mount namespace at or under {@code dir}, deepest first. */
    static List<String> mountsUnder(Path dir) {
        String d = dir.toString();
        try {
            return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                    .map(l -> l.split(" ")[4])
                    .filter(m -> m.equals(d) || m.startsWith(d + "/"))
                    .distinct()
                    .sorted(Comparator.comparingInt(String::length).reversed())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lazily unmounts everything at or under {@code dir} (each mount point until none is left there). */
    static void unmountAll(Path dir) {
        for (int round = 0; round < 5; round++) {
            List<String> mounts = mountsUnder(dir);
            if (mounts.isEmpty()) {
                return;
            }
            mounts.forEach(m -> quietly("umount", "-l", m));
        }
    }
}
