package io.jcri.runtime.cgroup;

import java.util.Map;

/**
 * Resource limits of a container or pod cgroup, in the CRI's units. A null field is not set (left as it is).
 *
 * @param cpuShares            v1 cpu.shares; v2 cpu.weight via {@code 1 + ((shares - 2) * 9999) / 262142}
 * @param cpuQuota             microseconds per period; zero or negative: no quota
 * @param cpuPeriod            microseconds
 * @param memoryLimitBytes     -1: unlimited; 0: not set (as kubelet sends it)
 * @param memorySwapLimitBytes memory plus swap, as v1's memsw (v2 writes the difference); -1: unlimited swap
 * @param pidsLimit            zero or negative: unlimited
 * @param hugepageLimits       page size as in the kernel's file names ("2MB", "1GB") to a limit in bytes
 * @param unified              raw cgroup v2 files to write last (v2 only)
 */
public record Resources(Long cpuShares, Long cpuQuota, Long cpuPeriod, String cpusetCpus, String cpusetMems,
        Long memoryLimitBytes, Long memorySwapLimitBytes, Long pidsLimit, Map<String, Long> hugepageLimits,
        Map<String, String> unified) {

    /** A hugetlb page size as the kernel names it in hugetlb.&lt;size&gt;.* files. */
    public static final java.util.regex.Pattern PAGE_SIZE = java.util.regex.Pattern.compile("[1-9][0-9]{0,5}[KMG]B");

    public Resources {
        hugepageLimits = hugepageLimits == null ? Map.of() : Map.copyOf(hugepageLimits);
        for (String size : hugepageLimits.keySet()) {
            if (!PAGE_SIZE.matcher(size).matches()) {
                throw new IllegalArgumentException("hugepage size \"" + size + "\" is not a size such as 2MB or 1GB");
            }
        }
        unified = unified == null ? Map.of() : Map.copyOf(unified);
    }

    /** These limits without the hugepage ones (for a host without a hugetlb controller). */
    public Resources withoutHugepageLimits() {
        return new Resources(cpuShares, cpuQuota, cpuPeriod, cpusetCpus, cpusetMems, memoryLimitBytes,
                memorySwapLimitBytes, pidsLimit, Map.of(), unified);
    }

    /** The same limits with other memory and memory+swap limits (null: not set). */
    public Resources withMemory(Long memoryLimit, Long memorySwapLimit) {
        return new Resources(cpuShares, cpuQuota, cpuPeriod, cpusetCpus, cpusetMems, memoryLimit, memorySwapLimit,
                pidsLimit, hugepageLimits, unified);
    }

    public static Resources none() {
        return new Builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Fluent construction; every setter is optional. */
    public static final class Builder {
        private Long cpuShares;
        private Long cpuQuota;
        private Long cpuPeriod;
        private String cpusetCpus;
        private String cpusetMems;
        private Long memoryLimitBytes;
        private Long memorySwapLimitBytes;
        private Long pidsLimit;
        private Map<String, Long> hugepageLimits = Map.of();
        private Map<String, String> unified = Map.of();

        public Builder cpuShares(long shares) {
            this.cpuShares = shares;
            return this;
        }

        public Builder cpuQuota(long quota, long period) {
            this.cpuQuota = quota;
            this.cpuPeriod = period;
            return this;
        }

        public Builder cpuPeriod(long period) {
            this.cpuPeriod = period;
            return this;
        }

        public Builder cpuset(String cpus, String mems) {
            this.cpusetCpus = cpus;
            this.cpusetMems = mems;
            return this;
        }

        public Builder memoryLimit(long bytes) {
            this.memoryLimitBytes = bytes;
            return this;
        }

        public Builder memorySwapLimit(long bytes) {
            this.memorySwapLimitBytes = bytes;
            return this;
        }

        public Builder pidsLimit(long limit) {
            this.pidsLimit = limit;
            return this;
        }

        public Builder hugepageLimits(Map<String, Long> limits) {
            this.hugepageLimits = limits;
            return this;
        }

        public Builder unified(Map<String, String> files) {
            this.unified = files;
            return this;
        }

        public Resources build() {
            return new Resources(cpuShares, cpuQuota, cpuPeriod, cpusetCpus, cpusetMems, memoryLimitBytes,
                    memorySwapLimitBytes, pidsLimit, hugepageLimits, unified);
        }
    }
}
