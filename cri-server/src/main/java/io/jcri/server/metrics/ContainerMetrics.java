package io.jcri.server.metrics;

import io.prometheus.client.Counter;
import io.prometheus.client.Histogram;
import io.prometheus.client.Summary;
import io.jcri.runtime.Phases;

/** Container lifecycle: starts, exits by reason, OOM kills, and how long the runtime takes to launch one. */
public final class ContainerMetrics {
    public static final Counter STARTS = Counter.build("jcri_container_starts_total",
            "Containers started").register();
    public static final Counter EXITS = Counter.build("jcri_container_exits_total",
            "Container processes that exited, by CRI reason (Completed, Error, OOMKilled)").labelNames("reason")
            .register();
    public static final Counter OOM_KILLS = Counter.build("jcri_container_oom_kills_total",
            "Containers whose process the kernel's OOM killer ended").register();
    public static final Histogram LAUNCH = Histogram.build("jcri_container_launch_duration_seconds",
            "Time the runtime takes to launch a container's process (StartContainer without log setup)")
            .buckets(0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5).register();

    /** Sum and count per phase of StartContainer (the phase names are fixed in the code: bounded labels). */
    public static final Summary START_PHASES = Summary.build("jcri_container_start_phase_seconds",
            "Time StartContainer spends in each of its phases").labelNames("phase").register();
    /** Sum and count per phase of RunPodSandbox. */
    public static final Summary SANDBOX_RUN_PHASES = Summary.build("jcri_sandbox_run_phase_seconds",
            "Time RunPodSandbox spends in each of its phases").labelNames("phase").register();
    /** Sum and count per phase of StopPodSandbox. */
    public static final Summary SANDBOX_STOP_PHASES = Summary.build("jcri_sandbox_stop_phase_seconds",
            "Time StopPodSandbox spends in each of its phases").labelNames("phase").register();

    private ContainerMetrics() {
    }

    /** Observes each phase of one operation into {@code summary}. */
    public static void observe(Summary summary, Phases phases) {
        phases.nanos().forEach((phase, nanos) -> summary.labels(phase).observe(nanos / 1e9));
    }

    public static void exited(String reason, boolean oomKilled) {
        EXITS.labels(reason.isEmpty() ? "Unknown" : reason).inc();
        if (oomKilled) {
            OOM_KILLS.inc();
        }
    }
}
