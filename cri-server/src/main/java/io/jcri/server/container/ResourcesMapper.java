package io.jcri.server.container;

import io.jcri.cri.v1.HugepageLimit;
import io.jcri.cri.v1.LinuxContainerResources;
import io.jcri.runtime.cgroup.Resources;
import io.jcri.server.grpc.CriException;
import java.util.LinkedHashMap;
import java.util.Map;

/** CRI LinuxContainerResources to the runtime's cgroup resources; zero values mean "not set", as in CRI. */
public final class ResourcesMapper {
    private ResourcesMapper() {
    }

    public static Resources toRuntime(LinuxContainerResources r) {
        Resources.Builder b = Resources.builder();
        if (r.getCpuShares() > 0) {
            b.cpuShares(r.getCpuShares());
        }
        if (r.getCpuQuota() > 0) {
            b.cpuQuota(r.getCpuQuota(), r.getCpuPeriod() > 0 ? r.getCpuPeriod() : 100_000);
        } else if (r.getCpuPeriod() > 0) {
            b.cpuPeriod(r.getCpuPeriod());
        }
        if (!r.getCpusetCpus().isEmpty() || !r.getCpusetMems().isEmpty()) {
            b.cpuset(emptyToNull(r.getCpusetCpus()), emptyToNull(r.getCpusetMems()));
        }
        if (r.getMemoryLimitInBytes() > 0) {
            b.memoryLimit(r.getMemoryLimitInBytes());
        }
        if (r.getMemorySwapLimitInBytes() > 0) {
            b.memorySwapLimit(r.getMemorySwapLimitInBytes());
        }
        if (r.getHugepageLimitsCount() > 0) {
            Map<String, Long> pages = new LinkedHashMap<>();
            for (HugepageLimit h : r.getHugepageLimitsList()) {
                // checked before anything else looks at it: the size becomes part of a cgroup file name
                if (!Resources.PAGE_SIZE.matcher(h.getPageSize()).matches()) {
                    String shown = h.getPageSize().length() > 64 ? h.getPageSize().substring(0, 64) + "..."
                            : h.getPageSize();
                    throw CriException.invalidArgument("hugepage_limits page_size \"" + shown
                            + "\" is not a page size as the kernel names it (such as 2MB or 1GB)");
                }
                pages.put(h.getPageSize(), h.getLimit());
            }
            b.hugepageLimits(pages);
        }
        if (r.getUnifiedCount() > 0) {
            b.unified(r.getUnifiedMap());
        }
        return b.build();
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }
}
