package io.jcri.e2e.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcri.cri.v1.ContainerState;
import io.jcri.cri.v1.ContainerStatusRequest;
import io.jcri.cri.v1.ContainerStatusResponse;
import io.jcri.e2e.harness.Deadline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scenario 10: what a running container costs the runtime. One pod, then {@code n} {@code sleep} containers in it;
 * the runtime's RSS/PSS (daemon plus shims) and its process tree (the runtime's processes and all their
 * descendants) are read before the pod, after the pod and after the containers, so the per-pod cost (shim, pause)
 * and the per-container cost come apart. The containers' own processes (their PIDs from verbose ContainerStatus)
 * are not counted; any other new process is a helper the runtime keeps per container.
 */
final class ContainerMemory {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Per-container RSS/PSS growth of the runtime (KiB), the pod's cost (runtime RSS growth plus sandbox processes,
     * KiB), processes besides the containers per pod and per container, and how many containers are children of
     * the daemon itself.
     */
    record Measurement(int containers, double rssKbPerContainer, double pssKbPerContainer, double podRssKb,
                       int procsPerPod, double procsPerContainer, int childrenOfDaemon, List<String> helpers) {
        /** jcri's promise: no process per pod or container besides the container, which the daemon spawned. */
        void requireNoHelperProcesses(String target) {
            if (procsPerPod != 0 || procsPerContainer != 0 || childrenOfDaemon != containers) {
                throw new AssertionError(target + ": expected no process besides the " + containers
                        + " containers, each a child of the daemon; found " + procsPerPod + " per pod, "
                        + procsPerContainer + " per container, " + childrenOfDaemon + " children of the daemon; "
                        + "other new processes: " + helpers);
            }
        }
    }

    private ContainerMemory() {
    }

    static Measurement measure(BenchTarget t, Pods p, int n, Runnable settle) {
        settle.run();
        Set<Long> before = Procs.withDescendants(t.runtimePids());
        Procs.Memory m0 = Procs.memory(t.runtimePids());
        Pods.Pod pod = p.run("memory");
        try {
            settle.run();
            Set<Long> withPod = Procs.withDescendants(t.runtimePids());
            Procs.Memory m1 = Procs.memory(t.runtimePids());
            Procs.Memory sandbox = Procs.memory(t.sandboxPids());
            List<String> ctrs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String c = p.create(pod, p.container(pod, "sleep" + i, "sleep", "3600"));
                p.start(c);
                ctrs.add(c);
            }
            Set<Long> ctrPids = new HashSet<>();
            for (String c : ctrs) {
                Deadline.await(Duration.ofSeconds(30), c + " to run", () -> status(t, c).getStatus().getState()
                        == ContainerState.CONTAINER_RUNNING);
                ctrPids.add(pid(status(t, c)));
            }
            settle.run();
            Procs.Memory m2 = Procs.memory(t.runtimePids());
            Set<Long> after = Procs.withDescendants(t.runtimePids());
            after.removeAll(ctrPids);
            Map<Long, Long> parents = Procs.parents();
            long daemon = t.daemonPid();
            int children = (int) ctrPids.stream().filter(pid -> parents.getOrDefault(pid, -1L) == daemon).count();
            List<String> helpers = new ArrayList<>();
            for (long pid : after) {
                if (!before.contains(pid)) {
                    helpers.add(pid + " " + String.join(" ", Procs.cmdline(pid)));
                }
            }
            return new Measurement(n, (m2.rssKb() - m1.rssKb()) / (double) n, (m2.pssKb() - m1.pssKb()) / (double) n,
                    m1.rssKb() - m0.rssKb() + sandbox.rssKb(), withPod.size() - before.size(),
                    (after.size() - withPod.size()) / (double) n, children, helpers);
        } finally {
            p.destroy(pod.id());
        }
    }

    private static ContainerStatusResponse status(BenchTarget t, String ctr) {
        return t.cri().runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(ctr)
                .setVerbose(true).build());
    }

    /** The container's host PID from verbose ContainerStatus ({@code info.pid}, as containerd and jcri give it). */
    private static long pid(ContainerStatusResponse r) {
        try {
            long pid = JSON.readTree(r.getInfoOrDefault("info", "{}")).path("pid").asLong(0);
            if (pid <= 0) {
                throw new AssertionError("no pid in ContainerStatus info of " + r.getStatus().getId());
            }
            return pid;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
