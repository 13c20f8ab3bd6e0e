package io.jcri.runtime.cgroup;

/**
 * Usage counters of one cgroup. CPU in nanoseconds; memory in bytes; working set is usage minus inactive file
 * pages (kubelet's definition). {@code oomEvents}: times the limit was hit and the OOM killer ran (v2
 * memory.events "oom"; v1 has no counter of its own and reports the kill count); {@code oomKills}: processes
 * killed.
 */
public record CgroupStats(long cpuUsageNanos, long cpuUserNanos, long cpuSystemNanos, long memoryUsageBytes,
        long memoryWorkingSetBytes, long memoryRssBytes, long pageFaults, long majorPageFaults, long pidsCurrent,
        long oomEvents, long oomKills) {
}
