package io.jcri.e2e.bench;

import io.jcri.cri.v1.ContainerConfig;
import io.jcri.cri.v1.ContainerState;
import io.jcri.cri.v1.ContainerStatus;
import io.jcri.cri.v1.ContainerStatusRequest;
import io.jcri.cri.v1.PodSandboxConfig;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * One container launch over CRI, timed step by step: (RunPodSandbox,) CreateContainer, StartContainer, then
 * ContainerStatus polled every millisecond until the container is RUNNING ({@code sleep}) or EXITED
 * ({@code true}, exit code 0). Configs and log directories are prepared before the clock starts; removal is the
 * caller's, after it stops.
 */
final class Launch {
    /** What is launched and which state ends the timed window. */
    enum Kind {
        SLEEP_TO_RUNNING(ContainerState.CONTAINER_RUNNING, "sleep", "3600"),
        TRUE_TO_EXITED(ContainerState.CONTAINER_EXITED, "true");

        final ContainerState until;
        final String[] command;

        Kind(ContainerState until, String... command) {
            this.until = until;
            this.command = command;
        }
    }

    /**
     * A finished launch: the pod and container to remove, each step's milliseconds (run is 0 in a pod), and how
     * many ContainerStatus calls it took to see the final state (1: it was there when StartContainer returned).
     */
    record Launched(Pods.Pod pod, String ctr, double runMs, double createMs, double startMs, double awaitMs,
                    int polls) {
        double totalMs() {
            return runMs + createMs + startMs + awaitMs;
        }
    }

    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final long POLL_NANOS = 1_000_000;

    private Launch() {
    }

    /** A container launched into an existing pod: CreateContainer + StartContainer + status until {@code kind}. */
    static Launched inPod(Pods p, Pods.Pod pod, Kind kind) {
        ContainerConfig config = p.container(pod, name(kind), kind.command);
        long t0 = System.nanoTime();
        String ctr = p.create(pod, config);
        long t1 = System.nanoTime();
        p.start(ctr);
        long t2 = System.nanoTime();
        int polls = await(p, ctr, kind);
        long t3 = System.nanoTime();
        return new Launched(pod, ctr, 0, ms(t0, t1), ms(t1, t2), ms(t2, t3), polls);
    }

    /** A new pod and its container: RunPodSandbox + CreateContainer + StartContainer + status until {@code kind}. */
    static Launched withPod(Pods p, boolean hostNetwork, Kind kind) {
        PodSandboxConfig podConfig = p.config(hostNetwork ? "launch-host" : "launch-netns", hostNetwork);
        // the container config needs the pod only for its log directory and uid, both known before it runs
        Pods.Pod draft = new Pods.Pod("", podConfig);
        ContainerConfig config = p.container(draft, name(kind), kind.command);
        long t0 = System.nanoTime();
        Pods.Pod pod = p.run(podConfig);
        long t1 = System.nanoTime();
        String ctr = p.create(pod, config);
        long t2 = System.nanoTime();
        p.start(ctr);
        long t3 = System.nanoTime();
        int polls = await(p, ctr, kind);
        long t4 = System.nanoTime();
        return new Launched(pod, ctr, ms(t0, t1), ms(t1, t2), ms(t2, t3), ms(t3, t4), polls);
    }

    /** Removes what {@link #inPod} started (stop with timeout 0 first if it may still run). */
    static void removeContainer(Pods p, Launched l, Kind kind) {
        if (kind.until == ContainerState.CONTAINER_RUNNING) {
            p.stopContainer(l.ctr(), 0);
        }
        p.removeContainer(l.ctr());
    }

    /** Polls ContainerStatus until the container reaches the kind's state, returns the number of calls. */
    private static int await(Pods p, String ctr, Kind kind) {
        long end = System.nanoTime() + LIMIT.toNanos();
        for (int polls = 1; ; polls++) {
            ContainerStatus s = p.target().cri().runtime().containerStatus(ContainerStatusRequest.newBuilder()
                    .setContainerId(ctr).build()).getStatus();
            if (s.getState() == kind.until) {
                if (kind.until == ContainerState.CONTAINER_EXITED && s.getExitCode() != 0) {
                    throw new AssertionError(ctr + " (" + String.join(" ", kind.command) + ") exited "
                            + s.getExitCode() + ": " + s.getReason() + " " + s.getMessage());
                }
                return polls;
            }
            if (s.getState() == ContainerState.CONTAINER_EXITED) {
                throw new AssertionError(ctr + " exited (" + s.getExitCode() + ", " + s.getReason()
                        + ") instead of running");
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + LIMIT + " waiting for " + ctr + " to be "
                        + kind.until + " (is " + s.getState() + ")");
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    private static String name(Kind kind) {
        return (kind == Kind.SLEEP_TO_RUNNING ? "sleep-" : "true-") + ThreadLocalRandom.current().nextInt(1_000_000);
    }

    private static double ms(long from, long to) {
        return (to - from) / 1e6;
    }
}
