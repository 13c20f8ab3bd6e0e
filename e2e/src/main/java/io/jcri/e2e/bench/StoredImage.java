package io.jcri.e2e.bench;

import io.jcri.e2e.harness.Deadline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What of a pushed image a runtime keeps on disk, found by name: its blobs (jcri and containerd both name a blob
 * file by its hex digest) and files or directories only its layers have. A runtime may delete an image's content
 * after RemoveImage answers (jcri does); the pull benchmarks wait for it to be gone so that each pull is a real one
 * and each size reading is not inflated by a deletion still under way.
 *
 * @param names blob hex digests (of blobs no other image in the run has) and names unique to the image's layers
 */
record StoredImage(Set<String> names) {
    /** Up to a few paths under {@code root} that belong to the image; empty once nothing of it is left. */
    List<Path> leftUnder(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName() != null && names.contains(p.getFileName().toString())).limit(5)
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of(root.resolve("(under deletion: " + e + ")")); // a directory went mid-walk: look again
        }
    }

    /** Waits until nothing of the image is left under the target's root; returns the ms waited. */
    double awaitGone(BenchTarget t, String what, Duration timeout) {
        long t0 = System.nanoTime();
        Deadline.await(timeout, t.name() + ": " + what + " gone from " + t.rootDir(),
                () -> leftUnder(t.rootDir()).isEmpty());
        return (System.nanoTime() - t0) / 1e6;
    }
}
