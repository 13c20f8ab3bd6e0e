package io.jcri.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The {@code [runtime]} section: how containers are launched. */
public final class RuntimeSection {
    @Setting("Mount each container's /proc through the helper-based fallback even where the kernel supports"
            + " procfs \"pidns\" (6.15+); for testing the path older kernels take.")
    @JsonProperty("force_proc_fallback")
    private boolean forceProcFallback;

    @Setting("Cgroup parent for containers whose pod names none (kubelet always names one); with the systemd"
            + " driver a slice (a name without .slice gets it: \"jcri\" is jcri.slice).")
    @JsonProperty("cgroup_parent")
    private String cgroupParent = "jcri";

    public boolean forceProcFallback() {
        return forceProcFallback;
    }

    public String cgroupParent() {
        return cgroupParent;
    }
}
