package io.jcri.e2e.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario 14: the runtime's memory at a pod count kubelet really runs, read after the daemons settled. For one
 * target at a time: idle (images pulled, no pod), then {@code small} pods with a {@code sleep} container each, then
 * {@code large} pods, then again after every pod is gone. Each step reads RSS and PSS of the runtime's processes
 * (daemon plus shims; containerd's pause processes apart, as the sandbox's own) and the daemon's thread count.
 * Unlike 6b and 6c (read inside scenarios 5 and 4, right after the pods started or between relists) every reading
 * here comes after the settle time, so it is the memory a node keeps, not the peak of a burst.
 *
 * <p>With {@code JCRI_BENCH_NMT=DIR} in the harness's environment (and the daemon started with
 * {@code JCRI_JAVA_EXTRA_OPTS=-XX:NativeMemoryTracking=summary}) jcri's native memory summary at each step is
 * written to {@code DIR/nmt-<pods>.txt} as well, with the 30 largest classes of the live heap (after the reading).
 */
final class PodMemory {
    /** One reading: daemon+shims, the pause processes (containerd only) and the daemon's threads. */
    record Reading(Procs.Memory runtime, Procs.Memory sandboxes, int daemonThreads) {
    }

    private PodMemory() {
    }

    /** The readings by step name ("0", "20", "100", "after"), in that order. */
    static Map<String, Reading> measure(BenchTarget t, Pods p, int small, int large, Runnable settle) {
        Map<String, Reading> out = new LinkedHashMap<>();
        settle.run();
        out.put("0", read(t, 0));
        List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>());
        try {
            start(p, ids, 0, small);
            settle.run();
            out.put(Integer.toString(small), read(t, small));
            start(p, ids, small, large);
            settle.run();
            out.put(Integer.toString(large), read(t, large));
        } finally {
            Parallel.forEach(8, List.copyOf(ids), p::destroy);
        }
        settle.run();
        out.put("after", read(t, -1));
        return out;
    }

    private static void start(Pods p, List<String> ids, int from, int to) {
        List<Integer> n = new ArrayList<>();
        for (int i = from; i < to; i++) {
            n.add(i);
        }
        Parallel.forEach(8, n, i -> ids.add(p.podWithSleeper("mem" + i).id()));
    }

    private static Reading read(BenchTarget t, int pods) {
        Reading r = new Reading(Procs.memory(t.runtimePids()), Procs.memory(t.sandboxPids()),
                threads(t.daemonPid()));
        String dir = System.getenv("JCRI_BENCH_NMT");
        if (dir != null && t.name().equals("jcri")) {
            String nmt = Procs.run(false, "jcmd", Long.toString(t.daemonPid()), "VM.native_memory", "summary");
            // the heap's live objects by class (a full GC first), the 30 largest: what each pod keeps on the heap
            String histo = Procs.run(false, "jcmd", Long.toString(t.daemonPid()), "GC.class_histogram").lines()
                    .limit(33).collect(java.util.stream.Collectors.joining("\n", "\n", "\n"));
            nmt = nmt + histo;
            try {
                Files.createDirectories(Path.of(dir));
                Files.writeString(Path.of(dir, "nmt-" + (pods < 0 ? "after" : Integer.toString(pods)) + ".txt"),
                        "RSS " + r.runtime().rssKb() + " KiB, PSS " + r.runtime().pssKb() + " KiB, threads "
                                + r.daemonThreads() + "\n" + nmt);
            } catch (IOException e) {
                System.err.println("cannot write the NMT summary under " + dir + ": " + e);
            }
        }
        return r;
    }

    /** The process's thread count from /proc/PID/status (0 if it is gone). */
    static int threads(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("Threads:")) {
                    return Integer.parseInt(line.substring("Threads:".length()).trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            // exited
        }
        return 0;
    }
}
