package io.jcri.runtime.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jcri.runtime.NamespaceMode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** runc's namespace rules for sysctls, and sysctl(8)'s two notations. */
class PodSysctlsTest {
    private static final NamespaceMode POD = NamespaceMode.POD, NODE = NamespaceMode.NODE;

    @Test
    void namespacedSysctlsAreAcceptedInTheirPodNamespaces() {
        Map<String, String> in = Map.of("kernel.shm_rmid_forced", "1", "net.ipv4.ip_local_port_range", "20000 40000",
                "net.ipv4.tcp_syncookies", "0", "net.ipv4.ping_group_range", "0 2147483647",
                "net.ipv4.ip_unprivileged_port_start", "900", "kernel.msgmax", "12345", "kernel.sem", "250 32000 32 128",
                "fs.mqueue.msg_max", "20");
        assertThat(PodSysctls.check(in, POD, POD)).isEqualTo(in);
    }

    @Test
    void slashNotationIsAPath() {
        assertThat(PodSysctls.check(Map.of("net/ipv4/ip_forward", "1"), POD, POD))
                .containsExactly(Map.entry("net.ipv4.ip_forward", "1"));
        assertThat(PodSysctls.dotted("net/ipv4/conf/eth0.100/forwarding")).isEqualTo("net.ipv4.conf.eth0/100.forwarding");
        assertThat(PodSysctls.path("net.ipv4.conf.eth0/100.forwarding")).isEqualTo("net/ipv4/conf/eth0.100/forwarding");
        assertThat(PodSysctls.path("net.ipv4.ip_forward")).isEqualTo("net/ipv4/ip_forward");
    }

    @Test
    void theHostsNamespacesHoldNone() {
        assertThatThrownBy(() -> PodSysctls.check(Map.of("net.ipv4.ip_forward", "1"), NODE, POD))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sysctl \"net.ipv4.ip_forward\" is not allowed in the host's network namespace"
                        + " (the pod uses the node's network)");
        assertThatThrownBy(() -> PodSysctls.check(Map.of("kernel.shmmax", "1"), POD, NODE))
                .hasMessageContaining("\"kernel.shmmax\" is not allowed in the host's ipc namespace");
        assertThatThrownBy(() -> PodSysctls.check(Map.of("fs/mqueue/msg_max", "1"), POD, NODE))
                .hasMessageContaining("\"fs.mqueue.msg_max\" is not allowed in the host's ipc namespace");
        // a host-network pod may still have its own IPC namespace
        assertThat(PodSysctls.check(Map.of("kernel.msgmax", "1"), NODE, POD)).hasSize(1);
    }

    @Test
    void sysctlsThatAreNotNamespacedOrAreOursAreRefused() {
        for (String name : new String[] {"kernel.pid_max", "vm.swappiness", "fs.file-max", "kernel.shm_next_id_x",
                "kernel.msgmaxx", "kernel.random.boot_id"}) {
            assertThatThrownBy(() -> PodSysctls.check(Map.of(name, "1"), POD, POD))
                    .hasMessage("sysctl \"" + name + "\" is not in a separate kernel namespace");
        }
        assertThatThrownBy(() -> PodSysctls.check(Map.of("kernel.hostname", "x"), POD, POD))
                .hasMessageContaining("\"kernel.hostname\" is not allowed");
        assertThatThrownBy(() -> PodSysctls.check(Map.of("kernel/domainname", "x"), POD, POD))
                .hasMessageContaining("\"kernel.domainname\" is not allowed");
    }

    @Test
    void namesThatAreNoPathAndValuesWithControlCharactersAreRefused() {
        for (String name : new String[] {"", "net..ipv4", "net/../../etc/passwd", "net.ipv4.ip_forward\n",
                "/net/ipv4", "net.ipv4.", "net ipv4", "x".repeat(300)}) {
            assertThatThrownBy(() -> PodSysctls.check(Map.of(name, "1"), POD, POD))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a sysctl name");
        }
        assertThatThrownBy(() -> PodSysctls.check(Map.of("net.ipv4.tcp_syncookies", "1\nkernel.x"), POD, POD))
                .hasMessageContaining("contains a control character");
        assertThatThrownBy(() -> PodSysctls.check(Map.of("net.ipv4.tcp_syncookies", "1".repeat(5000)), POD, POD))
                .hasMessageContaining("over 4096");
    }

    @Test
    void theSameSysctlInBothNotationsIsRefused() {
        assertThatThrownBy(() -> PodSysctls.check(Map.of("net.ipv4.ip_forward", "1", "net/ipv4/ip_forward", "0"),
                POD, POD)).hasMessageContaining("given twice");
    }
}
