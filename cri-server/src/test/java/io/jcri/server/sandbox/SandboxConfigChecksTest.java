package io.jcri.server.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.jcri.cri.v1.DNSConfig;
import io.jcri.server.grpc.CriException;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/** What RunPodSandbox accepts as hostname and DNS config (PodHostname, DnsConfigCheck). */
class SandboxConfigChecksTest {
    @Test
    void hostnamesTheKernelAndEtcHostnameCanHoldAreAccepted() {
        for (String ok : new String[] {"", "web-1", "a", "Node1.Example.COM", "x".repeat(63),
                "a".repeat(31) + "." + "b".repeat(32)}) {
            assertThatCode(() -> PodHostname.validate(ok, false)).doesNotThrowAnyException();
        }
    }

    @Test
    void badHostnamesAreInvalidArgumentsThatSayWhy() {
        assertRefused(() -> PodHostname.validate("a".repeat(32) + "." + "b".repeat(32), false), "is 65 bytes");
        assertRefused(() -> PodHostname.validate("h".repeat(1 << 20), false), "is 1048576 bytes");
        for (String bad : new String[] {"a\nb", "evil\n", "a b", "bad_name", "-x", "x-", "a..b", ".a", "a.", "ü",
                "a\0b", "x".repeat(64)}) {
            if (bad.length() == 64) {
                assertRefused(() -> PodHostname.validate(bad, false), "not an RFC 1123 host name"); // a 64-char label
                continue;
            }
            assertRefused(() -> PodHostname.validate(bad, false), "hostname");
        }
        CriException e = (CriException) catchIt(() -> PodHostname.validate("a\nb", false));
        assertThat(e.getMessage()).contains("\"a\\nb\"").doesNotContain("\n");
    }

    @Test
    void aHostNetworkPodMayCarryTheNodesHostnameAsItIs() {
        assertThatCode(() -> PodHostname.validate(PodHostname.node(), true)).doesNotThrowAnyException();
        assertRefused(() -> PodHostname.validate("evil\n", true), "hostname");
    }

    @Test
    void aHostnameQuotedInAnErrorIsCut() {
        CriException e = (CriException) catchIt(() -> PodHostname.validate("h".repeat(1 << 20), false));
        assertThat(e.getMessage().length()).isLessThan(400);
    }

    @Test
    void serversMustBeIpAddresses() {
        for (String ok : new String[] {"10.0.0.10", "8.8.8.8", "::1", "fe80::1%eth0", "2001:db8::53",
                "1:2:3:4:5:6:7:8", "::ffff:10.0.0.1", "1::"}) {
            assertThatCode(() -> DnsConfigCheck.validate(DNSConfig.newBuilder().addServers(ok).build()))
                    .as(ok).doesNotThrowAnyException();
        }
        for (String bad : new String[] {"1.2.3.4\nnameserver 6.6.6.6", "dns.example.com", "8.8.8.8 9.9.9.9", "",
                "256.1.1.1", "1.2.3", "01.2.3.4x", ":::", "1:2:3:4:5:6:7:8:9", "1::2::3", "fe80::1%", "abc",
                "::1\n"}) {
            assertRefused(() -> DnsConfigCheck.validate(DNSConfig.newBuilder().addServers(bad).build()),
                    "dns_config.servers");
        }
    }

    @Test
    void searchesMustBeDomainNamesWithinKubeletsLimits() {
        assertThatCode(() -> DnsConfigCheck.validate(DNSConfig.newBuilder().addSearches("default.svc.cluster.local")
                .addSearches("svc.cluster.local").addSearches("cluster.local").addSearches("corp.example.com.")
                .addSearches("_tcp.example").addSearches(".").build())).doesNotThrowAnyException();
        assertThatCode(() -> DnsConfigCheck.validate(DNSConfig.newBuilder()
                .addAllSearches(Collections.nCopies(32, "a.example")).build())).doesNotThrowAnyException();
        assertRefused(() -> DnsConfigCheck.validate(DNSConfig.newBuilder()
                .addAllSearches(Collections.nCopies(33, "a.example")).build()), "has 33 domains");
        assertRefused(() -> DnsConfigCheck.validate(DNSConfig.newBuilder()
                .addAllSearches(Collections.nCopies(11, "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63)
                        + ".d")).build()), "characters long");
        for (String bad : new String[] {"a.com\nnameserver 6.6.6.6", "a b", "", "a..b", "-a.com", "x".repeat(64),
                "a.com;"}) {
            assertRefused(() -> DnsConfigCheck.validate(DNSConfig.newBuilder().addSearches(bad).build()),
                    "dns_config.searches");
        }
    }

    @Test
    void optionsAreSingleWords() {
        assertThatCode(() -> DnsConfigCheck.validate(DNSConfig.newBuilder().addOptions("ndots:5").addOptions("edns0")
                .addOptions("timeout:2").addOptions("use-vc").addOptions("single-request-reopen").build()))
                .doesNotThrowAnyException();
        for (String bad : new String[] {"ndots:5\nsearch evil", "a b", "", "x".repeat(300), "ndots:5\t"}) {
            assertRefused(() -> DnsConfigCheck.validate(DNSConfig.newBuilder().addOptions(bad).build()),
                    "dns_config.options");
        }
        assertRefused(() -> DnsConfigCheck.validate(DNSConfig.newBuilder()
                .addAllOptions(Collections.nCopies(33, "edns0")).build()), "has 33 entries");
    }

    private static void assertRefused(Runnable r, String text) {
        Throwable t = catchIt(r);
        assertThat(t).isInstanceOf(CriException.class);
        assertThat(((CriException) t).code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(t.getMessage()).startsWith("RunPodSandbox: ").contains(text);
    }

    private static Throwable catchIt(Runnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            return t;
        }
        throw new AssertionError("accepted");
    }
}
