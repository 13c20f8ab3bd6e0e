package io.jcri.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The {@code [cgroup]} section. */
public final class CgroupConfig {
    @Setting("How container cgroups are named and created: \"cgroupfs\" (directories under each hierarchy) or"
            + " \"systemd\" (slice/scope names). Must match kubelet's cgroupDriver.")
    @JsonProperty("driver")
    private CgroupDriverName driver = CgroupDriverName.CGROUPFS;

    public CgroupDriverName driver() {
        return driver;
    }
}
