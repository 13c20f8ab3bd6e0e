package io.jcri.e2e.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Entry point of the benchmark harness ({@code e2e/bench.sh}).
 *
 * <pre>
 * e2e/bench.sh                      jcri and containerd side by side, every scenario
 * e2e/bench.sh --smoke              every scenario once, jcri only, small sizes (CI)
 * e2e/bench.sh startup [runs]       jcri cold start to first served RPC, idle RSS
 * options: --runs N  --launches N (scenarios 8 and 9; per-launch pods in 8e/8f: half)  --scenarios 1,2,7
 *          --calls N (scenario 12, the per-RPC floor: calls per RPC and target, 1000 by default)
 *          (scenario 13: PullImage+RemoveImage of a 100 MiB 4-layer image, --runs times, its content gone before
 *          each pull; smoke: 8 MiB, once)
 *          --only jcri|containerd|containerd2  --json FILE  --work DIR  --tag HEX
 *          --containerd2 BINARY (a containerd 2.x, the third column: e2e/fetch-containerd2.sh)
 * </pre>
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("startup")) {
            int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
            Path work = Files.createTempDirectory("jcri-bench");
            try {
                DaemonStartupBenchmark.run(runs, work);
            } finally {
                DaemonStartupBenchmark.deleteTree(work);
            }
            System.exit(0);
        }
        boolean smoke = false;
        Integer runs = null;
        Integer launches = null;
        Integer calls = null;
        Set<Integer> scenarios = new TreeSet<>(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14));
        List<String> targets = new ArrayList<>(List.of("jcri", "containerd"));
        Path json = null;
        Path containerd2 = null;
        Path work = null;
        String tag = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--smoke" -> smoke = true;
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--launches" -> launches = Integer.parseInt(args[++i]);
                case "--calls" -> calls = Integer.parseInt(args[++i]);
                case "--scenarios" -> {
                    scenarios.clear();
                    for (String s : args[++i].split(",")) {
                        scenarios.add(Integer.parseInt(s.trim()));
                    }
                }
                case "--only" -> targets = new ArrayList<>(List.of(args[++i]));
                case "--json" -> json = Path.of(args[++i]);
                case "--containerd2" -> containerd2 = Path.of(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                case "--tag" -> tag = args[++i];
                default -> {
                    System.err.println("unknown argument " + args[i]
                            + "; usage: bench.sh [--smoke] [--runs N] [--launches N] [--calls N] [--scenarios 1,2,..] [--only jcri|containerd|containerd2] [--containerd2 BINARY]"
                            + " [--json FILE] | bench.sh startup [runs]");
                    System.exit(2);
                }
            }
        }
        if (smoke) {
            targets = new ArrayList<>(List.of("jcri"));
        } else if (containerd2 != null && targets.size() > 1) {
            targets.add("containerd2");
        }
        for (String t : targets) {
            if (!t.equals("jcri") && !t.equals("containerd") && !t.equals("containerd2")) {
                System.err.println("unknown target " + t + "; known: jcri, containerd, containerd2");
                System.exit(2);
            }
            if (t.equals("containerd2") && containerd2 == null) {
                System.err.println("containerd2 needs --containerd2 BINARY (e2e/fetch-containerd2.sh prints it)");
                System.exit(2);
            }
        }
        if (work == null) {
            work = Files.createTempDirectory("jcri-bench");
        }
        if (tag == null) {
            tag = Long.toHexString(ProcessHandle.current().pid() & 0xffff);
        }
        if (json == null) {
            json = Path.of("bench-" + System.currentTimeMillis() + ".json");
        }
        int n = runs != null ? runs : smoke ? 1 : 10;
        int l = launches != null ? launches : smoke ? 5 : 200;
        int c = calls != null ? calls : smoke ? 20 : 1000;
        SideBySide.Options o = smoke
                ? new SideBySide.Options(true, containerd2, targets, scenarios, n, 0, n, n, n, 5, 10, 24L << 20, 2, l, Math.max(1, l / 2), 5, 1,
                        c, 3, n, 8L << 20, 200, json, work, tag)
                : new SideBySide.Options(false, containerd2, targets, scenarios, n, 2, Math.max(3, n / 2), Math.max(3, n / 2),
                        n * 2, 20, 100, 200L << 20, 4, l, Math.max(1, l / 2), 50, Math.min(3, n),
                        c, 100, n, 100L << 20, 5000, json, work, tag);
        System.exit(SideBySide.run(o));
    }
}
