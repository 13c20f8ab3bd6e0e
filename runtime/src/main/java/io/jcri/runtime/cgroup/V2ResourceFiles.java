package io.jcri.runtime.cgroup;

import java.util.LinkedHashMap;
import java.util.Map;

/** The cgroup v2 control files, and their values, that a {@link Resources} turns into (in write order). */
final class V2ResourceFiles {
    private V2ResourceFiles() {
    }

    static Map<String, String> of(Resources r) {
        Map<String, String> files = new LinkedHashMap<>();
        if (r.cpuShares() != null && r.cpuShares() > 0) {
            files.put("cpu.weight", Long.toString(cpuWeight(r.cpuShares())));
        }
        if (r.cpuQuota() != null || r.cpuPeriod() != null) {
            String quota = r.cpuQuota() != null && r.cpuQuota() > 0 ? Long.toString(r.cpuQuota()) : "max";
            files.put("cpu.max", r.cpuPeriod() != null && r.cpuPeriod() > 0 ? quota + " " + r.cpuPeriod() : quota);
        }
        if (r.cpusetCpus() != null && !r.cpusetCpus().isEmpty()) {
            files.put("cpuset.cpus", r.cpusetCpus());
        }
        if (r.cpusetMems() != null && !r.cpusetMems().isEmpty()) {
            files.put("cpuset.mems", r.cpusetMems());
        }
        long memory = r.memoryLimitBytes() == null ? 0 : r.memoryLimitBytes();
        long swap = r.memorySwapLimitBytes() == null ? 0 : r.memorySwapLimitBytes();
        // unlike v1 memsw, v2 checks neither limit against the other: any order works
        String swapMax = swapMax(memory, swap);
        if (swapMax != null) {
            files.put("memory.swap.max", swapMax);
        }
        if (memory != 0) {
            files.put("memory.max", memory > 0 ? Long.toString(memory) : "max");
        }
        if (r.pidsLimit() != null) {
            files.put("pids.max", r.pidsLimit() > 0 ? Long.toString(r.pidsLimit()) : "max");
        }
        r.hugepageLimits().forEach((size, bytes) -> files.put("hugetlb." + size + ".max", Long.toString(bytes)));
        files.putAll(r.unified());
        return files;
    }

    /** Maps the CRI's shares (2..262144) onto cpu.weight (1..10000), the formula kubelet and runc use. */
    static long cpuWeight(long shares) {
        long weight = 1 + ((shares - 2) * 9999) / 262142;
        return Math.max(1, Math.min(10000, weight));
    }

    /**
     * v2 limits swap alone while the CRI gives memory+swap (v1 memsw semantics): swap.max = total - memory.
     * Null: leave memory.swap.max alone.
     */
    static String swapMax(long memory, long swapTotal) {
        if (swapTotal == 0) {
            return null;
        }
        if (swapTotal == -1) {
            return "max";
        }
        if (memory <= 0) {
            throw new IllegalArgumentException("a memory+swap limit of " + swapTotal
                    + " needs a finite memory limit on cgroup v2");
        }
        if (swapTotal < memory) {
            throw new IllegalArgumentException("memory+swap limit " + swapTotal + " is below the memory limit "
                    + memory);
        }
        return Long.toString(swapTotal - memory);
    }
}
