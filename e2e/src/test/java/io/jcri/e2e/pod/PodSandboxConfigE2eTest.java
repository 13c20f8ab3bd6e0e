package io.jcri.e2e.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.jcri.cri.v1.DNSConfig;
import io.jcri.cri.v1.ListPodSandboxRequest;
import io.jcri.cri.v1.NamespaceMode;
import io.jcri.cri.v1.PodSandboxConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What a pod's containers see of its sandbox config: hostname (issue 12 item 1), resolv.conf, sysctls (item 6),
 * and the refusal of configs that cannot be applied as given (issue 13), with nothing left behind.
 */
class PodSandboxConfigE2eTest extends PodE2eBase {
    static String nodeHostname() throws IOException {
        return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    }

    String out(String ctr, String... cmd) {
        var r = c.exec(ctr, cmd);
        assertThat(r.getExitCode()).as(String.join(" ", cmd) + ": " + r.getStderr().toStringUtf8()).isZero();
        return r.getStdout().toStringUtf8();
    }

    @Test
    void aPodWithoutHostnameGetsTheNodesHostnameWhateverItsNameIs() throws Exception {
        // crictl and conformance tools generate names of ~70 characters: not a hostname
        String name = "p" + "x".repeat(69);
        PodSandboxConfig podConfig = fx.pod(name).clearHostname().build();
        String podId = c.runPod(podConfig);
        try {
            String ctr = c.run(podId, podConfig, fx.container("h", "sleep", "3600"));
            String node = nodeHostname();
            assertThat(out(ctr, "busybox", "hostname")).isEqualTo(node + "\n");
            assertThat(out(ctr, "cat", "/etc/hostname")).isEqualTo(node + "\n");
            assertThat(out(ctr, "sh", "-c", "echo $HOSTNAME")).isEqualTo(node + "\n");
        } finally {
            c.cleanup(podId);
        }
    }

    @Test
    void aPodsHostnameIsItsKernelHostnameAndEtcHostname() {
        PodSandboxConfig podConfig = fx.pod("named").setHostname("web-1.example").build();
        String podId = c.runPod(podConfig);
        try {
            String ctr = c.run(podId, podConfig, fx.container("h", "sleep", "3600"));
            assertThat(out(ctr, "busybox", "hostname")).isEqualTo("web-1.example\n");
            assertThat(out(ctr, "cat", "/etc/hostname")).isEqualTo("web-1.example\n");
        } finally {
            c.cleanup(podId);
        }
    }

    @Test
    void aHostNetworkPodKeepsTheNodesUtsNamespaceAndWritesItsConfigHostname() throws Exception {
        // containerd: the node's UTS namespace for a host-network pod, /etc/hostname from the config
        PodSandboxConfig podConfig = hostNetwork(fx.pod("hostnet").setHostname("node-alias")).build();
        String podId = c.runPod(podConfig);
        try {
            String ctr = c.run(podId, podConfig, fx.container("h", "sleep", "3600"));
            assertThat(out(ctr, "busybox", "hostname")).isEqualTo(nodeHostname() + "\n");
            assertThat(out(ctr, "cat", "/etc/hostname")).isEqualTo("node-alias\n");
        } finally {
            c.cleanup(podId);
        }
    }

    @Test
    void theDnsConfigIsTheResolvConf() {
        PodSandboxConfig podConfig = fx.pod("dns").setDnsConfig(DNSConfig.newBuilder().addServers("10.96.0.10")
                .addServers("fd00::10").addSearches("default.svc.cluster.local").addSearches("cluster.local")
                .addOptions("ndots:5").addOptions("edns0")).build();
        String podId = c.runPod(podConfig);
        try {
            String ctr = c.run(podId, podConfig, fx.container("d", "sleep", "3600"));
            assertThat(out(ctr, "cat", "/etc/resolv.conf")).isEqualTo("""
                    search default.svc.cluster.local cluster.local
                    nameserver 10.96.0.10
                    nameserver fd00::10
                    options ndots:5 edns0
                    """);
        } finally {
            c.cleanup(podId);
        }
    }

    @Test
    void podSysctlsAreSetInThePodsNamespacesAndNotOnTheHost() throws Exception {
        // kubelet's safe set, two unsafe IPC ones and the slash notation
        Map<String, String> sysctls = new LinkedHashMap<>();
        sysctls.put("kernel.shm_rmid_forced", "1");
        sysctls.put("net.ipv4.ip_local_port_range", "20000 40000");
        sysctls.put("net.ipv4.tcp_syncookies", "0");
        sysctls.put("net.ipv4.ping_group_range", "0 2147483647");
        sysctls.put("net/ipv4/ip_unprivileged_port_start", "900");
        sysctls.put("kernel.msgmax", "12345");
        sysctls.put("fs.mqueue.msg_max", "20");
        Map<String, String> hostBefore = readHost(sysctls.keySet());
        PodSandboxConfig.Builder b = fx.pod("sysctl");
        b.getLinuxBuilder().putAllSysctls(sysctls);
        PodSandboxConfig podConfig = b.build();
        String podId = c.runPod(podConfig);
        try {
            String ctr = c.run(podId, podConfig, fx.container("s", "sleep", "3600"));
            for (Map.Entry<String, String> e : sysctls.entrySet()) {
                String file = "/proc/sys/" + e.getKey().replace('.', '/');
                assertThat(words(out(ctr, "cat", file))).as(file).isEqualTo(words(e.getValue()));
            }
            assertThat(readHost(sysctls.keySet())).isEqualTo(hostBefore);
        } finally {
            c.cleanup(podId);
        }
    }

    @Test
    void aHostNetworkPodTakesIpcSysctlsInItsOwnIpcNamespace() throws Exception {
        String hostMsgmax = Files.readString(Path.of("/proc/sys/kernel/msgmax")).strip();
        PodSandboxConfig.Builder b = hostNetwork(fx.pod("hostnet-sysctl"));
        b.getLinuxBuilder().putSysctls("kernel.msgmax", "23456");
        PodSandboxConfig podConfig = b.build();
        String podId = c.runPod(podConfig);
        try {
            String ctr = c.run(podId, podConfig, fx.container("s", "sleep", "3600"));
            assertThat(out(ctr, "cat", "/proc/sys/kernel/msgmax")).isEqualTo("23456\n");
            assertThat(Files.readString(Path.of("/proc/sys/kernel/msgmax")).strip()).isEqualTo(hostMsgmax);
        } finally {
            c.cleanup(podId);
        }
    }

    @Test
    void configsThatCannotBeAppliedAsGivenAreInvalidArgumentsAndLeaveNothing() throws Exception {
        assertNothingStored();
        List<Map.Entry<String, PodSandboxConfig>> cases = new ArrayList<>();
        cases.add(Map.entry("hostname", fx.pod("b1").setHostname("h".repeat(65)).build()));
        cases.add(Map.entry("hostname", fx.pod("b2").setHostname("h".repeat(1 << 20)).build()));
        cases.add(Map.entry("hostname", fx.pod("b3").setHostname("evil\n127.0.0.1").build()));
        cases.add(Map.entry("hostname", fx.pod("b4").setHostname("under_score").build()));
        cases.add(Map.entry("dns_config.servers", fx.pod("b5").setDnsConfig(DNSConfig.newBuilder()
                .addServers("10.0.0.1\nnameserver 6.6.6.6")).build()));
        cases.add(Map.entry("dns_config.servers", fx.pod("b6").setDnsConfig(DNSConfig.newBuilder()
                .addServers("dns.example.com")).build()));
        cases.add(Map.entry("dns_config.searches", fx.pod("b7").setDnsConfig(DNSConfig.newBuilder()
                .addSearches("a.example\nnameserver 6.6.6.6")).build()));
        cases.add(Map.entry("dns_config.searches", fx.pod("b8").setDnsConfig(DNSConfig.newBuilder()
                .addAllSearches(java.util.Collections.nCopies(33, "a.example"))).build()));
        cases.add(Map.entry("dns_config.options", fx.pod("b9").setDnsConfig(DNSConfig.newBuilder()
                .addOptions("ndots:5\nsearch evil.example")).build()));
        cases.add(Map.entry("not in a separate kernel namespace", sysctl(fx.pod("s1"), "kernel.pid_max", "4096")));
        cases.add(Map.entry("not in a separate kernel namespace", sysctl(fx.pod("s2"), "vm.swappiness", "1")));
        cases.add(Map.entry("kernel.hostname", sysctl(fx.pod("s3"), "kernel.hostname", "x")));
        cases.add(Map.entry("host's network namespace",
                sysctl(hostNetwork(fx.pod("s4")), "net.ipv4.ip_forward", "1")));
        cases.add(Map.entry("host's ipc namespace", sysctl(hostIpc(fx.pod("s5")), "kernel.shmmax", "1000000")));
        // these two pass the checks and are refused by the kernel, after the pod's namespaces exist
        cases.add(Map.entry("does not exist", sysctl(fx.pod("s6"), "net.ipv4.no_such_sysctl", "1")));
        cases.add(Map.entry("refused the value", sysctl(fx.pod("s7"), "net.ipv4.tcp_syncookies", "many")));
        for (Map.Entry<String, PodSandboxConfig> e : cases) {
            StatusRuntimeException ex = catchThrowableOfType(StatusRuntimeException.class, () -> c.runPod(e.getValue()));
            assertThat(ex).as(e.getValue().getMetadata().getName() + " was accepted").isNotNull();
            assertThat(ex.getStatus().getCode()).as(ex.getStatus().toString()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(ex.getStatus().getDescription()).contains(e.getKey()).doesNotContain("Exception")
                    .doesNotContain("\n");
            assertThat(ex.getStatus().getDescription().length()).isLessThan(600);
        }
        assertNothingStored();
    }

    private void assertNothingStored() throws IOException {
        assertThat(c.rt().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()).isEmpty();
        Path root = fx.daemon.base().resolve("root"), state = fx.daemon.base().resolve("state");
        assertThat(entries(root.resolve("cri/sandboxes"))).isEmpty();
        assertThat(entries(root.resolve("cri/sandbox-files"))).isEmpty();
        assertThat(entries(state.resolve("runtime/pods"))).isEmpty();
        assertThat(entries(state.resolve("cni")).stream().filter(p -> p.endsWith(".json")).toList()).isEmpty();
    }

    private static List<String> entries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    private static PodSandboxConfig.Builder hostNetwork(PodSandboxConfig.Builder b) {
        b.getLinuxBuilder().getSecurityContextBuilder().getNamespaceOptionsBuilder().setNetwork(NamespaceMode.NODE);
        return b;
    }

    private static PodSandboxConfig.Builder hostIpc(PodSandboxConfig.Builder b) {
        b.getLinuxBuilder().getSecurityContextBuilder().getNamespaceOptionsBuilder().setIpc(NamespaceMode.NODE);
        return b;
    }

    private static PodSandboxConfig sysctl(PodSandboxConfig.Builder b, String name, String value) {
        b.getLinuxBuilder().putSysctls(name, value);
        return b.build();
    }

    private static Map<String, String> readHost(Iterable<String> names) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String n : names) {
            out.put(n, Files.readString(Path.of("/proc/sys/" + n.replace('.', '/'))).strip());
        }
        return out;
    }

    private static List<String> words(String s) {
        return List.of(s.strip().split("\\s+"));
    }
}
