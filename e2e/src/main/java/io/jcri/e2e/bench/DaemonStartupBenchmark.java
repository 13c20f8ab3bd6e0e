package io.jcri.e2e.bench;

import io.jcri.e2e.harness.JcriDaemon;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Cold start of the daemon to its first served RPC (process start → Version answered), and the resident
 * memory of an idle daemon.
 */
public final class DaemonStartupBenchmark {
    private DaemonStartupBenchmark() {
    }

    public static void run(int runs, Path work) throws IOException, InterruptedException {
        List<Double> startMs = new ArrayList<>();
        long idleRssKb = 0;
        for (int i = 0; i < runs; i++) {
            Path base = Files.createTempDirectory(work, "startup");
            long t0 = System.nanoTime();
            try (JcriDaemon d = JcriDaemon.start(base)) {
                startMs.add((System.nanoTime() - t0) / 1e6);
                if (i == runs - 1) {
                    // let start-up work (JIT, class loading, GC) settle before reading the idle footprint
                    Thread.sleep(5000);
                    idleRssKb = ProcStatus.rssKb(d.daemonPid()) + ProcStatus.rssKb(d.pid()); // JVM + subreaper
                }
            } finally {
                deleteTree(base);
            }
        }
        Stats s = Stats.of(startMs);
        System.out.printf("| scenario | runs | median | p90 | min | max |%n|---|---|---|---|---|---|%n");
        System.out.printf("| cold start to first served RPC (ms) | %d | %.0f | %.0f | %.0f | %.0f |%n",
                s.count(), s.median(), s.p90(), s.min(), s.max());
        System.out.printf("%nidle daemon RSS: %.1f MiB%n", idleRssKb / 1024.0);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** For the JIT-free idle footprint, see {@link Duration}-independent RSS in /proc. */
    static final class ProcStatus {
        static long rssKb(long pid) throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            throw new IOException("no VmRSS for pid " + pid);
        }
    }
}
