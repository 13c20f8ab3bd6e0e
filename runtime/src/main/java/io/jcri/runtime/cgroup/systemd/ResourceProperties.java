package io.jcri.runtime.cgroup.systemd;

import io.jcri.runtime.cgroup.Resources;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The unit properties a container's limits become, as runc's systemd driver (cgroup v2) derives them: systemd
 * writes these files itself and writes them again on every {@code systemctl daemon-reload}, so a limit it does
 * not know would be reset there. What has no property (hugetlb, the rest of the unified map, the device filter)
 * is written to the files after the unit started, as runc's fs2 manager does. Memory accounting etc. are
 * switched on with the unit (see SystemdScope).
 */
public final class ResourceProperties {
    /** systemd's CPUQuotaPerSecUSec is kept in 10 ms of CPU time per second (whole percents). */
    private static final long QUOTA_GRANULARITY_USEC = 10_000;
    private static final long DEFAULT_PERIOD_USEC = 100_000;

    private ResourceProperties() {
    }

    /** @param systemdVersion CPUQuotaPeriodUSec needs 242, AllowedCPUs/AllowedMemoryNodes 244 */
    public static List<UnitProperty> of(Resources r, int systemdVersion) {
        List<UnitProperty> p = new ArrayList<>();
        long memory = r.memoryLimitBytes() == null ? 0 : r.memoryLimitBytes();
        if (memory != 0) p.add(UnitProperty.uint64("MemoryMax", memory > 0 ? memory : -1));
        long swapTotal = r.memorySwapLimitBytes() == null ? 0 : r.memorySwapLimitBytes();
        if (swapTotal != 0) {
            // memory+swap (the CRI's, v1's memsw) to swap alone; the checks are V2ResourceFiles' (same messages)
            if (swapTotal == -1) {
                p.add(UnitProperty.uint64("MemorySwapMax", -1));
            } else if (memory > 0 && swapTotal >= memory) {
                p.add(UnitProperty.uint64("MemorySwapMax", swapTotal - memory));
            }
        }
        if (r.cpuShares() != null && r.cpuShares() > 0) {
            p.add(UnitProperty.uint64("CPUWeight", cpuWeight(r.cpuShares())));
        }
        cpuQuota(p, r.cpuQuota() == null ? 0 : r.cpuQuota(), r.cpuPeriod() == null ? 0 : r.cpuPeriod(),
                r.cpuQuota() != null || r.cpuPeriod() != null, systemdVersion);
        if (r.pidsLimit() != null) p.add(UnitProperty.uint64("TasksMax", r.pidsLimit() > 0 ? r.pidsLimit() : -1));
        if (systemdVersion >= 244) {
            if (r.cpusetCpus() != null && !r.cpusetCpus().isEmpty())
                p.add(UnitProperty.bytes("AllowedCPUs", bits(r.cpusetCpus())));
            if (r.cpusetMems() != null && !r.cpusetMems().isEmpty())
                p.add(UnitProperty.bytes("AllowedMemoryNodes", bits(r.cpusetMems())));
        }
        r.unified().forEach((file, value) -> unified(p, file, value.strip()));
        return p;
    }

    /** The same mapping as the cgroupfs driver's cpu.weight (kubelet's and runc's formula). */
    static long cpuWeight(long shares) {
        long weight = 1 + ((shares - 2) * 9999) / 262142;
        return Math.max(1, Math.min(10000, weight));
    }

    /**
     * runc's addCpuQuota: the period where systemd has CPUQuotaPeriodUSec; the quota as CPU time per second,
     * rounded up to systemd's 10 ms steps (so that cpu.max is at least what was asked); infinity for "no quota".
     */
    private static void cpuQuota(List<UnitProperty> p, long quota, long period, boolean set, int version) {
        if (!set) return;
        if (period > 0 && version >= 242) p.add(UnitProperty.uint64("CPUQuotaPeriodUSec", period));
        if (quota > 0) {
            long perSec = quota * 1_000_000 / (period > 0 ? period : DEFAULT_PERIOD_USEC);
            if (perSec % QUOTA_GRANULARITY_USEC != 0) {
                perSec = (perSec / QUOTA_GRANULARITY_USEC + 1) * QUOTA_GRANULARITY_USEC;
            }
            p.add(UnitProperty.uint64("CPUQuotaPerSecUSec", perSec));
        } else {
            p.add(UnitProperty.uint64("CPUQuotaPerSecUSec", -1));
        }
    }

    /** The unified files systemd has a property for (as runc's unifiedResToSystemdProps); the rest stay files. */
    private static void unified(List<UnitProperty> p, String file, String value) {
        String property = switch (file) {
            case "memory.max" -> "MemoryMax";
            case "memory.high" -> "MemoryHigh";
            case "memory.low" -> "MemoryLow";
            case "memory.min" -> "MemoryMin";
            case "memory.swap.max" -> "MemorySwapMax";
            case "pids.max" -> "TasksMax";
            case "cpu.weight" -> "CPUWeight";
            default -> null;
        };
        if (property == null) return;
        try {
            p.add(UnitProperty.uint64(property, value.equals("max") ? -1 : Long.parseUnsignedLong(value)));
        } catch (NumberFormatException e) {
            // not a number: the file write that follows names the value the kernel refuses
        }
    }

    /** "0-3,8" as the byte mask systemd's AllowedCPUs takes (CPU 0 is bit 0 of the first byte). */
    static byte[] bits(String list) {
        BitSet set = new BitSet();
        for (String part : list.split(",")) {
            String range = part.strip();
            if (range.isEmpty()) continue;
            int dash = range.indexOf('-');
            try {
                int from = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
                int to = dash < 0 ? from : Integer.parseInt(range.substring(dash + 1));
                if (from < 0 || to < from || to > 1 << 16) throw new NumberFormatException();
                set.set(from, to + 1);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("cpuset \"" + list + "\" is not a list of numbers and ranges");
            }
        }
        return set.toByteArray();
    }
}
