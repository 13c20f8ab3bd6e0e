package io.jcri.runtime;

import java.time.Instant;

/** CRI ContainerStats essentials, from the container's cgroup. */
public record ContainerStats(Instant timestamp, long cpuUsageNanos, long memoryUsageBytes,
                             long memoryWorkingSetBytes, long pids) {}
