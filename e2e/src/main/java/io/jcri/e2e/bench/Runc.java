package io.jcri.e2e.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The runc command line on a private state root ({@code runc --root}) under the benchmark's work dir, so that
 * listing and deleting everything it holds never touches another runc user's containers.
 */
final class Runc {
    private static final List<Path> CANDIDATES = List.of(Path.of("/usr/sbin/runc"), Path.of("/usr/bin/runc"),
            Path.of("/usr/local/sbin/runc"), Path.of("/usr/local/bin/runc"));

    private final Path binary;
    private final Path root;

    Runc(Path binary, Path root) {
        this.binary = binary;
        this.root = root;
    }

    /** The installed runc binary, or null. */
    static Path find() {
        return CANDIDATES.stream().filter(Files::isExecutable).findFirst().orElse(null);
    }

    String version() {
        return Procs.run(false, binary.toString(), "--version").lines().findFirst().orElse("");
    }

    /**
     * {@code runc run --bundle B id} in the foreground (the container runs to its end and runc deletes it); returns
     * the container's exit code.
     */
    int run(Path bundle, String id) {
        return exec(false, bundle, id);
    }

    /** {@code runc run -d --bundle B id}: returns once the container runs (runc's exit code, 0 on success). */
    int runDetached(Path bundle, String id) {
        return exec(true, bundle, id);
    }

    private int exec(boolean detached, Path bundle, String id) {
        List<String> cmd = detached
                ? List.of(binary.toString(), "--root", root.toString(), "run", "-d", "--bundle", bundle.toString(), id)
                : List.of(binary.toString(), "--root", root.toString(), "run", "--bundle", bundle.toString(), id);
        try {
            // no pipes: a detached container keeps its stdio, and a pipe would keep this side waiting for it
            Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", cmd) + " did not return within 30 s");
            }
            return p.exitValue();
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code runc state id}'s status field ("running", "stopped", ...), or "" if runc does not know the id. */
    String status(String id) {
        String out = Procs.run(false, binary.toString(), "--root", root.toString(), "state", id);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"status\":\\s*\"([a-z]+)\"").matcher(out);
        return m.find() ? m.group(1) : "";
    }

    /** {@code runc delete -f id}: kills the container if it runs and removes it. */
    void deleteForce(String id) {
        Procs.run(true, binary.toString(), "--root", root.toString(), "delete", "-f", id);
    }

    /** The ids in this root. */
    List<String> list() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        return Procs.run(true, binary.toString(), "--root", root.toString(), "list", "-q").lines()
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** Deletes every container this root still holds; returns the failures as text. */
    List<String> deleteAll() {
        List<String> failures = new java.util.ArrayList<>();
        for (String id : list()) {
            try {
                deleteForce(id);
            } catch (RuntimeException e) {
                failures.add("runc: delete -f " + id + ": " + e.getMessage());
            }
        }
        return failures;
    }
}
