package io.jcri.server.runtime;

import io.jcri.cri.v1.CgroupDriver;
import io.jcri.cri.v1.LinuxRuntimeConfiguration;
import io.jcri.cri.v1.RuntimeConfigRequest;
import io.jcri.cri.v1.RuntimeConfigResponse;
import io.jcri.cri.v1.UpdateRuntimeConfigRequest;
import io.jcri.cri.v1.UpdateRuntimeConfigResponse;
import io.jcri.server.config.CgroupDriverName;
import io.jcri.server.config.JcriConfig;
import java.util.logging.Logger;

/** {@code RuntimeConfig} (the cgroup driver kubelet must match) and {@code UpdateRuntimeConfig} (pod CIDR). */
public final class RuntimeConfigRpc {
    private static final Logger LOG = Logger.getLogger(RuntimeConfigRpc.class.getName());

    private final JcriConfig config;
    private final RuntimeSettings settings;

    public RuntimeConfigRpc(JcriConfig config, RuntimeSettings settings) {
        this.config = config;
        this.settings = settings;
    }

    public RuntimeConfigResponse runtimeConfig(RuntimeConfigRequest request) {
        CgroupDriver driver = config.cgroup().driver() == CgroupDriverName.SYSTEMD
                ? CgroupDriver.SYSTEMD : CgroupDriver.CGROUPFS;
        return RuntimeConfigResponse.newBuilder()
                .setLinux(LinuxRuntimeConfiguration.newBuilder().setCgroupDriver(driver))
                .build();
    }

    public UpdateRuntimeConfigResponse updateRuntimeConfig(UpdateRuntimeConfigRequest request) {
        String cidr = request.getRuntimeConfig().getNetworkConfig().getPodCidr();
        if (!cidr.isEmpty()) {
            String previous = settings.podCidr();
            settings.setPodCidr(cidr);
            if (!cidr.equals(previous)) {
                LOG.info("pod CIDR set to " + cidr);
            }
        }
        return UpdateRuntimeConfigResponse.getDefaultInstance();
    }
}
