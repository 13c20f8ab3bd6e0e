package io.jcri.e2e.bench;

import java.nio.file.Path;

/**
 * Scenario 9: {@code runc run} on a bundle of the benchmark's busybox rootfs, timed from spawning runc to its exit:
 * {@code /bin/true} in the foreground (to exited; runc deletes it) and {@code sleep} detached ({@code run -d}, to
 * running; killed and deleted after the clock stops), each with and without a network namespace, alternating.
 */
final class RuncLaunches {
    private final Results results;
    private final Runc runc;
    private final String idPrefix;
    private final Path trueNetns;
    private final Path trueHost;
    private final Path sleepNetns;
    private final Path sleepHost;
    private long seq;

    RuncLaunches(Results results, Runc runc, RuncBundle bundle, String idPrefix) throws java.io.IOException {
        this.results = results;
        this.runc = runc;
        this.idPrefix = idPrefix;
        this.trueNetns = bundle.variant("true-netns", true, "/bin/true");
        this.trueHost = bundle.variant("true-host", false, "/bin/true");
        this.sleepNetns = bundle.variant("sleep-netns", true, "sleep", "3600");
        this.sleepHost = bundle.variant("sleep-host", false, "sleep", "3600");
    }

    /** {@code warmup} unrecorded rounds, then {@code launches} recorded ones of each variant. */
    void measure(int warmup, int launches) {
        for (int i = 0; i < warmup + launches; i++) {
            boolean rec = i >= warmup;
            foreground("9a", "runc run `/bin/true` to exited, new netns (runc spec default)", trueNetns, rec);
            foreground("9b", "runc run `/bin/true` to exited, no netns (host network)", trueHost, rec);
        }
        for (int i = 0; i < warmup + launches; i++) {
            boolean rec = i >= warmup;
            detached("9c", "runc run -d sleep to running, new netns", sleepNetns, rec);
            detached("9d", "runc run -d sleep to running, no netns (host network)", sleepHost, rec);
        }
    }

    private void foreground(String id, String label, Path bundle, boolean rec) {
        String ctr = idPrefix + seq++;
        long t0 = System.nanoTime();
        int rc = runc.run(bundle, ctr);
        double ms = (System.nanoTime() - t0) / 1e6;
        if (rc != 0) {
            throw new AssertionError("runc run " + bundle + " exited " + rc);
        }
        if (rec) {
            results.add(id, label, "ms", "runc", ms);
        }
    }

    private void detached(String id, String label, Path bundle, boolean rec) {
        String ctr = idPrefix + seq++;
        long t0 = System.nanoTime();
        int rc = runc.runDetached(bundle, ctr);
        double ms = (System.nanoTime() - t0) / 1e6;
        try {
            if (rc != 0) {
                throw new AssertionError("runc run -d " + bundle + " exited " + rc);
            }
            String status = runc.status(ctr);
            if (!status.equals("running")) {
                throw new AssertionError("runc run -d returned but " + ctr + " is '" + status + "'");
            }
        } finally {
            if (!runc.status(ctr).isEmpty()) {
                runc.deleteForce(ctr);
            }
        }
        if (rec) {
            results.add(id, label, "ms", "runc", ms);
        }
    }
}
