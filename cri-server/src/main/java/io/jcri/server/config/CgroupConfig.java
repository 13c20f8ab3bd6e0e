package io.jcri.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The {@code [cgroup]} section. */
public final class CgroupConfig {
    @Setting("How container cgroups are named and created: \"cgroupfs\" (directories under each hierarchy) or"
            + " \"systemd\" (on cgroup v2 each container is a transient scope jcri-<id>.scope that systemd creates"
            + " over D-Bus in the pod's slice; jcri does not start without an answering systemd). Must match"
            + " kubelet's cgroupDriver.")
    @JsonProperty("driver")
    private CgroupDriverName driver = CgroupDriverName.CGROUPFS;

    public CgroupDriverName driver() {
        return driver;
    }
}
