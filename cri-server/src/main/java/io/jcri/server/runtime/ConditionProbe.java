package io.jcri.server.runtime;

import io.jcri.cri.v1.RuntimeCondition;

/** Produces one {@code RuntimeCondition} of {@code Status}, telling the truth at the time of the probe
 * (run by {@link RuntimeConditions} on a change and periodically, never on the event loop). */
@FunctionalInterface
public interface ConditionProbe {
    RuntimeCondition probe();

    static RuntimeCondition ready(String type) {
        return RuntimeCondition.newBuilder().setType(type).setStatus(true).build();
    }

    static RuntimeCondition notReady(String type, String reason, String message) {
        return RuntimeCondition.newBuilder().setType(type).setStatus(false).setReason(reason).setMessage(message)
                .build();
    }
}
