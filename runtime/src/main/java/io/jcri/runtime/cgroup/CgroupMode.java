package io.jcri.runtime.cgroup;

/** How the host mounts cgroups. HYBRID: controllers on v1 hierarchies, plus a controller-less cgroup2 mount. */
public enum CgroupMode {
    V1, V2, HYBRID
}
