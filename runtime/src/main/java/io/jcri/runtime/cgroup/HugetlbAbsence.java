package io.jcri.runtime.cgroup;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Hugepage limits on a host whose hierarchy has no hugetlb controller are skipped, as containerd (its default
 * {@code tolerate_missing_hugetlb_controller}) and CRI-O do: kubelet sends a limit of 0 for every page size on
 * every container, so refusing them would start no pod at all on such a node. Other limits whose controller is
 * missing still fail, as runc fails them. One warning per daemon, not one per container.
 */
final class HugetlbAbsence {
    private static final System.Logger LOG = System.getLogger(HugetlbAbsence.class.getName());
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private HugetlbAbsence() {
    }

    /** {@code r} unchanged when the controller is there or nothing asks for it; else without hugepage limits. */
    static Resources skipIfAbsent(Resources r, boolean controllerPresent, String hierarchy) {
        if (controllerPresent || r.hugepageLimits().isEmpty()) {
            return r;
        }
        if (WARNED.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "{0} has no hugetlb controller: skipping hugepage limits {1} "
                    + "(and those of every later container; this is logged once)", hierarchy, r.hugepageLimits());
        }
        return r.withoutHugepageLimits();
    }
}
