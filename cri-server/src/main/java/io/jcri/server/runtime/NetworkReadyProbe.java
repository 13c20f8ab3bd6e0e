package io.jcri.server.runtime;

import io.jcri.cri.v1.RuntimeCondition;
import io.jcri.server.network.PodNetwork;

/** NetworkReady: true only when a valid CNI network config and all its plugins are installed. */
public final class NetworkReadyProbe implements ConditionProbe {
    public static final String TYPE = "NetworkReady";

    private final PodNetwork network;

    public NetworkReadyProbe(PodNetwork network) {
        this.network = network;
    }

    @Override
    public RuntimeCondition probe() {
        PodNetwork.Readiness r = network.readiness();
        return r.ready() ? ConditionProbe.ready(TYPE)
                : ConditionProbe.notReady(TYPE, "NetworkPluginNotReady", r.message());
    }
}
