package io.jcri.e2e.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** Entry point of the benchmark harness: {@code e2e/bench.sh <scenario> [runs]}. */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        String scenario = args.length > 0 ? args[0] : "startup";
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path work = Files.createTempDirectory("jcri-bench");
        try {
            switch (scenario) {
                case "startup" -> DaemonStartupBenchmark.run(runs, work);
                default -> {
                    System.err.println("unknown scenario " + scenario + "; known: startup");
                    System.exit(2);
                }
            }
        } finally {
            DaemonStartupBenchmark.deleteTree(work);
        }
        System.exit(0);
    }
}
