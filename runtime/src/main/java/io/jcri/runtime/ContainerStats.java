package io.jcri.runtime;

import io.jcri.runtime.cgroup.CgroupStats;

import java.time.Instant;

/** CRI ContainerStats: the container cgroup's statistics at a point in time. */
public record ContainerStats(Instant timestamp, CgroupStats cgroup) {}
