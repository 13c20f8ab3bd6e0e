package io.jcri.server.validation;

import io.jcri.cri.v1.LinuxContainerResources;
import io.jcri.server.grpc.CriException;
import io.jcri.server.grpc.Quoted;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;

/**
 * CPU resources the kernel would refuse (EINVAL on a cgroup write), checked when the container is created or
 * updated so that the answer names the field. The bounds are the kernel's (kernel/sched/core.c): a CFS period of
 * 1 ms to 1 s, a quota of at least 1 ms and at most 2^44-1 µs, -1 for none; cpusets must name CPUs and memory
 * nodes this node has online. Zero means "not set" in the CRI. containerd passes these to runc unchecked and
 * answers UNKNOWN with runc's text; a field the kernel cannot take is INVALID_ARGUMENT here.
 */
public final class ResourceChecks {
    static final long MIN_PERIOD_US = 1_000;
    static final long MAX_PERIOD_US = 1_000_000;
    static final long MIN_QUOTA_US = 1_000;
    static final long MAX_QUOTA_US = (1L << 44) - 1;

    private ResourceChecks() {
    }

    public static void check(String rpc, String field, LinuxContainerResources r) {
        long period = r.getCpuPeriod();
        if (period != 0 && (period < MIN_PERIOD_US || period > MAX_PERIOD_US)) {
            throw CriException.invalidArgument(rpc + ": " + field + ".cpu_period is " + period + " µs; the kernel"
                    + " takes " + MIN_PERIOD_US + " to " + MAX_PERIOD_US + " µs");
        }
        long quota = r.getCpuQuota();
        if (quota != 0 && quota != -1 && (quota < MIN_QUOTA_US || quota > MAX_QUOTA_US)) {
            throw CriException.invalidArgument(rpc + ": " + field + ".cpu_quota is " + quota + " µs; the kernel"
                    + " takes " + MIN_QUOTA_US + " to " + MAX_QUOTA_US + " µs, or -1 for no limit");
        }
        if (r.getCpuShares() < 0) {
            throw CriException.invalidArgument(rpc + ": " + field + ".cpu_shares is " + r.getCpuShares()
                    + "; shares are positive");
        }
        if (r.getMemoryLimitInBytes() < 0) {
            throw CriException.invalidArgument(rpc + ": " + field + ".memory_limit_in_bytes is "
                    + r.getMemoryLimitInBytes() + "; it is a positive number of bytes (0: no limit)");
        }
        cpuset(rpc, field + ".cpuset_cpus", r.getCpusetCpus(), Path.of("/sys/devices/system/cpu/online"));
        cpuset(rpc, field + ".cpuset_mems", r.getCpusetMems(), Path.of("/sys/devices/system/node/online"));
    }

    private static void cpuset(String rpc, String field, String value, Path online) {
        if (value.isEmpty()) {
            return;
        }
        BitSet wanted = parse(value);
        if (wanted == null) {
            throw CriException.invalidArgument(rpc + ": " + field + " " + Quoted.of(value) + " is not a list of"
                    + " numbers and ranges such as \"0-3,6\"");
        }
        BitSet present = onlineSet(online);
        BitSet missing = (BitSet) wanted.clone();
        missing.andNot(present);
        if (!missing.isEmpty()) {
            throw CriException.invalidArgument(rpc + ": " + field + " " + Quoted.of(value) + " names "
                    + format(missing) + ", which this node does not have online (online: " + format(present) + ")");
        }
    }

    /** The kernel's list format ("0-3,5"); null if malformed. */
    static BitSet parse(String list) {
        BitSet out = new BitSet();
        for (String part : list.trim().split(",", -1)) {
            if (!part.matches("\\d{1,5}(-\\d{1,5})?")) {
                return null;
            }
            String[] ends = part.split("-");
            int lo = Integer.parseInt(ends[0]);
            int hi = ends.length == 2 ? Integer.parseInt(ends[1]) : lo;
            if (hi < lo) {
                return null;
            }
            out.set(lo, hi + 1);
        }
        return out;
    }

    private static BitSet onlineSet(Path file) {
        try {
            BitSet set = parse(Files.readString(file).trim());
            return set == null ? single0() : set;
        } catch (IOException e) {
            return single0(); // no NUMA information: one node, 0
        }
    }

    private static BitSet single0() {
        BitSet b = new BitSet();
        b.set(0);
        return b;
    }

    private static String format(BitSet set) {
        StringBuilder b = new StringBuilder();
        for (int i = set.nextSetBit(0); i >= 0; ) {
            int end = set.nextClearBit(i) - 1;
            if (!b.isEmpty()) {
                b.append(',');
            }
            b.append(i);
            if (end > i) {
                b.append('-').append(end);
            }
            i = set.nextSetBit(end + 1);
        }
        return b.toString();
    }
}
