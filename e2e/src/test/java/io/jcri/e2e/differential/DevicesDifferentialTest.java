package io.jcri.e2e.differential;

import io.jcri.cri.v1.ContainerConfig;
import io.jcri.cri.v1.Device;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 12 item 11: {@code ContainerConfig.devices}, the field kubelet's device plugins use. */
@ExtendWith(RuntimePairExtension.class)
class DevicesDifferentialTest {
    private static final String PROBE = "stat -c '%F mode=%a major=%t minor=%T owner=%u:%g' /dev/probe-null 2>&1;"
            + " (echo x > /dev/probe-null) 2>/dev/null && echo write ok || echo write refused;"
            + " (head -c 1 /dev/probe-null > /dev/null) 2>/dev/null && echo read ok || echo read refused";

    @ParameterizedTest
    @ValueSource(strings = {"rwm", "r"})
    void hostDeviceMappedUnderAnotherName(String permissions, RuntimePair pair) {
        ContainerConfig.Builder c = pair.container("c", "sleep", "3600").addDevices(Device.newBuilder()
                .setHostPath("/dev/null").setContainerPath("/dev/probe-null").setPermissions(permissions));
        Answers<String> a = pair.both(rt -> rt.sh(rt.run(rt.runPod(pair.pod("dev")), c), PROBE).trim());
        a.assertSameStatus("CreateContainer status, /dev/null as /dev/probe-null " + permissions);
        a.assertSame("/dev/probe-null inside (" + permissions + ")");
    }

    @Test
    void missingHostDeviceIsRefused(RuntimePair pair) {
        ContainerConfig.Builder c = pair.container("c", "sleep", "3600").addDevices(Device.newBuilder()
                .setHostPath("/dev/jcri-diff-no-such-device").setContainerPath("/dev/probe").setPermissions("rwm"));
        pair.both(rt -> rt.create(rt.runPod(pair.pod("dev-missing")), c).id())
                .assertSameStatus("CreateContainer, host device /dev/jcri-diff-no-such-device does not exist");
    }
}
