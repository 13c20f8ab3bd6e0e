package io.jcri.runtime.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CapabilitySetTest {
    private static final long ALL_BUT_SYS_RESOURCE = CapabilitySet.KNOWN_MASK
            & ~Capability.CAP_SYS_RESOURCE.mask();

    @Test
    void defaultIsContainerdsList() {
        CapabilitySet caps = CapabilitySet.resolve(false, List.of(), List.of(), CapabilitySet.KNOWN_MASK);
        assertThat(CapabilitySet.names(caps.effective())).containsExactlyInAnyOrder("CAP_CHOWN",
                "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
                "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
                "CAP_AUDIT_WRITE");
        assertThat(caps.effective()).isEqualTo(0xa80425fbL); // what `docker run` shows as CapEff
        assertThat(caps.permitted()).isEqualTo(caps.effective());
        assertThat(caps.bounding()).isEqualTo(caps.effective());
        assertThat(caps.inheritable()).isZero();
        assertThat(caps.ambient()).isZero();
    }

    @Test
    void addAndDropAcceptAnySpelling() {
        CapabilitySet caps = CapabilitySet.resolve(false, List.of("sys_admin", "CAP_NET_ADMIN", "Sys_Time"),
                List.of("net_raw", "CAP_MKNOD"), CapabilitySet.KNOWN_MASK);
        List<String> names = CapabilitySet.names(caps.bounding());
        assertThat(names).contains("CAP_SYS_ADMIN", "CAP_NET_ADMIN", "CAP_SYS_TIME", "CAP_CHOWN")
                .doesNotContain("CAP_NET_RAW", "CAP_MKNOD");
        assertThat(names).hasSize(14 + 3 - 2);
    }

    @Test
    void allFollowsContainerdOrder() {
        long known = CapabilitySet.KNOWN_MASK;
        assertThat(CapabilitySet.resolve(false, List.of(), List.of("ALL"), known).effective()).isZero();
        assertThat(CapabilitySet.resolve(false, List.of("chown"), List.of("all"), known).effective())
                .isEqualTo(Capability.CAP_CHOWN.mask());
        assertThat(CapabilitySet.resolve(false, List.of("ALL"), List.of("CHOWN"), known).effective())
                .isEqualTo(known & ~Capability.CAP_CHOWN.mask());
        assertThat(CapabilitySet.resolve(false, List.of("ALL"), List.of("ALL"), known).effective()).isZero();
    }

    @Test
    void privilegedAndAllAreBoundedByWhatTheDaemonHolds() {
        CapabilitySet privileged = CapabilitySet.resolve(true, List.of(), List.of("ALL"), ALL_BUT_SYS_RESOURCE);
        assertThat(privileged.bounding()).isEqualTo(ALL_BUT_SYS_RESOURCE);
        assertThat(CapabilitySet.names(privileged.effective())).hasSize(40).contains("CAP_CHECKPOINT_RESTORE");
        assertThat(CapabilitySet.resolve(false, List.of("ALL"), List.of(), ALL_BUT_SYS_RESOURCE).effective())
                .isEqualTo(ALL_BUT_SYS_RESOURCE);
        assertThatThrownBy(() -> CapabilitySet.resolve(false, List.of("SYS_RESOURCE"), List.of(),
                ALL_BUT_SYS_RESOURCE)).hasMessageContaining("CAP_SYS_RESOURCE");
    }

    @Test
    void thisDaemonsAvailableSetComesFromItsBoundingSet() {
        long available = CapabilitySet.available();
        assertThat(available & CapabilitySet.DEFAULT_MASK).isEqualTo(CapabilitySet.DEFAULT_MASK);
        assertThat(CapabilitySet.resolve(true, null, null).effective()).isEqualTo(available);
    }

    @Test
    void unknownNamesAreRefusedClearly() {
        assertThatThrownBy(() -> CapabilitySet.resolve(false, List.of("CAP_FLY"), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CAP_FLY");
        assertThatThrownBy(() -> CapabilitySet.fromNames("NET_RAWR")).hasMessageContaining("NET_RAWR");
    }

    @Test
    void namesAndMasksRoundTrip() {
        assertThat(CapabilitySet.fromNames("CAP_CHOWN", "kill", "checkpoint_restore"))
                .isEqualTo(1L | 1L << 5 | 1L << 40);
        assertThat(CapabilitySet.names(1L << 40 | 1L << 21)).containsExactly("CAP_SYS_ADMIN",
                "CAP_CHECKPOINT_RESTORE");
        assertThat(Capability.values()).hasSize(41);
        assertThat(Capability.CAP_BPF.number()).isEqualTo(39);
    }
}
