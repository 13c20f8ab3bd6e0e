package io.jcri.server.validation;

import io.jcri.cri.v1.LinuxContainerSecurityContext;
import io.jcri.cri.v1.LinuxSandboxSecurityContext;
import io.jcri.server.grpc.CriException;
import java.util.List;

/**
 * User and group ids a request may ask for: 0 to 2^32-2. The CRI carries them as int64 while the kernel's uid_t is
 * 32 bits, so 2^40 or -1 would otherwise be truncated (to 0: root) and 2^32-1 is (uid_t) -1, which setresuid reads
 * as "leave unchanged". containerd casts to uint32 without a check; Kubernetes' API refuses anything outside
 * 0..2^31-1 before kubelet sees it, so refusing here changes nothing for kubelet and closes the hole for other
 * clients.
 */
public final class IdRanges {
    public static final long MAX_ID = 4_294_967_294L;

    private IdRanges() {
    }

    public static void container(String rpc, LinuxContainerSecurityContext sc) {
        if (sc.hasRunAsUser()) {
            id(rpc, "config.linux.security_context.run_as_user", sc.getRunAsUser().getValue());
        }
        if (sc.hasRunAsGroup()) {
            id(rpc, "config.linux.security_context.run_as_group", sc.getRunAsGroup().getValue());
        }
        groups(rpc, "config.linux.security_context.supplemental_groups", sc.getSupplementalGroupsList());
    }

    public static void sandbox(String rpc, String prefix, LinuxSandboxSecurityContext sc) {
        if (sc.hasRunAsUser()) {
            id(rpc, prefix + ".run_as_user", sc.getRunAsUser().getValue());
        }
        if (sc.hasRunAsGroup()) {
            id(rpc, prefix + ".run_as_group", sc.getRunAsGroup().getValue());
        }
        groups(rpc, prefix + ".supplemental_groups", sc.getSupplementalGroupsList());
    }

    private static void groups(String rpc, String field, List<Long> groups) {
        for (int i = 0; i < groups.size(); i++) {
            id(rpc, field + "[" + i + "]", groups.get(i));
        }
    }

    static void id(String rpc, String field, long value) {
        if (value < 0 || value > MAX_ID) {
            throw CriException.invalidArgument(rpc + ": " + field + " is " + value + "; user and group ids are 0 to "
                    + MAX_ID);
        }
    }
}
