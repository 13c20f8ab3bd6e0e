package io.jcri.runtime;

import java.util.Map;

/**
 * TEMPORARY mirror of {@code io.jcri.runtime.cgroup.Resources} (the cgroup engineer's contract, same components):
 * replaced by it once that package lands on main. Null means "not set".
 */
public record Resources(Long cpuShares, Long cpuQuota, Long cpuPeriod, String cpusetCpus, String cpusetMems,
                        Long memoryLimitBytes, Long memorySwapLimitBytes, Long pidsLimit,
                        Map<String, Long> hugepageLimits, Map<String, String> unified) {
    public static final Resources NONE = new Resources(null, null, null, null, null, null, null, null, null, null);

    public static Resources memory(long bytes) {
        return new Resources(null, null, null, null, null, bytes, null, null, null, null);
    }
}
