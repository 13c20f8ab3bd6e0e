package io.jcri.server.runtime;

import io.jcri.cri.v1.RuntimeCondition;

/** NetworkReady: false until jcri sets up pod networks (CNI); kubelet then only schedules host-network pods. */
public final class NetworkReadyProbe implements ConditionProbe {
    public static final String TYPE = "NetworkReady";

    @Override
    public RuntimeCondition probe() {
        return ConditionProbe.notReady(TYPE, "NetworkPluginNotReady",
                "pod networking (CNI) is not implemented in this version of jcri");
    }
}
