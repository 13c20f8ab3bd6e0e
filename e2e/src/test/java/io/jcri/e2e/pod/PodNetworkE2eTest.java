package io.jcri.e2e.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.jcri.cri.v1.PodSandboxConfig;
import io.jcri.cri.v1.PortMapping;
import io.jcri.cri.v1.Protocol;
import io.jcri.e2e.harness.Deadline;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** Namespaces shared within a pod, and the CNI bridge network between pods, the host and host ports. */
class PodNetworkE2eTest extends PodE2eBase {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static String ns(long pid, String kind) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/" + kind)).toString();
    }

    /** busybox httpd serving {@code text} at /index.html on port 8080. */
    static io.jcri.cri.v1.ContainerConfig.Builder web(String name, String text) {
        return fx.container(name, "sh", "-c", "mkdir -p /www && echo " + text
                + " > /www/index.html && exec busybox httpd -f -p 8080 -h /www");
    }

    static String get(String url) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body().trim();
        } catch (IOException e) {
            return "failed: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void twoContainersInAPodShareNetworkAndIpcButNotPid() throws Exception {
        PodSandboxConfig podConfig = fx.pod("shared").build();
        String podId = c.runPod(podConfig);
        try {
            String a = c.run(podId, podConfig, fx.container("a", "sleep", "3600"));
            String b = c.run(podId, podConfig, fx.container("b", "sleep", "3600"));
            long pa = c.pid(a);
            long pb = c.pid(b);
            long host = ProcessHandle.current().pid();
            assertThat(pa).isNotEqualTo(pb);
            assertThat(ns(pa, "net")).isEqualTo(ns(pb, "net")).isNotEqualTo(ns(host, "net"));
            assertThat(ns(pa, "ipc")).isEqualTo(ns(pb, "ipc")).isNotEqualTo(ns(host, "ipc"));
            assertThat(ns(pa, "uts")).isEqualTo(ns(pb, "uts")).isNotEqualTo(ns(host, "uts"));
            assertThat(ns(pa, "pid")).isNotEqualTo(ns(pb, "pid"));
            assertThat(ns(pa, "mnt")).isNotEqualTo(ns(pb, "mnt"));
            // and as the containers see it: each is PID 1 of its own namespace
            assertThat(c.exec(a, "cat", "/proc/1/comm").getStdout().toStringUtf8()).isEqualTo("sleep\n");
            assertThat(c.exec(a, "ps").getStdout().toStringUtf8().lines().filter(l -> l.contains("sleep")))
                    .as("only its own sleep is visible").hasSize(1);
        } finally {
            c.cleanup(podId);
        }
    }

    /**
     * lo of a pod, brought up by jcri in-process (not by the loopback plugin, see PodLoopback), as containerd's
     * loopback plugin leaves it: UP, 127.0.0.1/8 and ::1/128, looked at from the host in the pod's netns.
     */
    @Test
    void aPodsLoopbackIsUpWithItsAddressesSeenFromTheHost() throws Exception {
        PodSandboxConfig podConfig = fx.pod("lo").build();
        String podId = c.runPod(podConfig);
        try {
            long pid = c.pid(c.run(podId, podConfig, fx.container("s", "sleep", "3600")));
            String link = host("nsenter", "-t", Long.toString(pid), "-n", "ip", "-o", "link", "show", "lo");
            assertThat(link).contains("<LOOPBACK,UP,LOWER_UP>");
            String addr = host("nsenter", "-t", Long.toString(pid), "-n", "ip", "-o", "addr", "show", "lo");
            assertThat(addr).contains("inet 127.0.0.1/8");
            if (Files.exists(Path.of("/proc/net/if_inet6"))) {
                assertThat(addr).contains("inet6 ::1/128");
            }
        } finally {
            c.cleanup(podId);
        }
    }

    static String host(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
        return out;
    }

    @Test
    void podIpsAnswerFromTheHostAndFromAnotherPodAndAHostPortIsMapped() {
        int hostPort = ThreadLocalRandom.current().nextInt(20000, 30000);
        PodSandboxConfig podA = fx.pod("web-a").addPortMappings(PortMapping.newBuilder()
                .setProtocol(Protocol.TCP).setContainerPort(8080).setHostPort(hostPort)).build();
        PodSandboxConfig podB = fx.pod("web-b").build();
        String idA = c.runPod(podA);
        try {
            String idB = c.runPod(podB);
            try {
                c.run(idA, podA, web("a", "hello-from-a"));
                String ctrB = c.run(idB, podB, web("b", "hello-from-b"));
                String ipA = c.podStatus(idA).getNetwork().getIp();
                String ipB = c.podStatus(idB).getNetwork().getIp();
                assertThat(ipA).startsWith(fx.subnetPrefix + ".").isNotEqualTo(ipB);

                Deadline.await(Duration.ofSeconds(20), "pod A's web server from the host",
                        () -> get("http://" + ipA + ":8080/index.html").equals("200 hello-from-a"));
                assertThat(get("http://" + ipB + ":8080/index.html")).isEqualTo("200 hello-from-b");
                // pod to pod over the bridge
                var fromB = c.exec(ctrB, "busybox", "wget", "-q", "-O", "-", "http://" + ipA + ":8080/index.html");
                assertThat(fromB.getExitCode()).as(fromB.getStderr().toStringUtf8()).isZero();
                assertThat(fromB.getStdout().toStringUtf8().trim()).isEqualTo("hello-from-a");
                // the host port, through the bridge's gateway address (a local address of the host)
                Deadline.await(Duration.ofSeconds(20), "host port " + hostPort,
                        () -> get("http://" + fx.subnetPrefix + ".1:" + hostPort + "/index.html")
                                .equals("200 hello-from-a"));
            } finally {
                c.cleanup(idB);
            }
        } finally {
            c.cleanup(idA);
        }
    }
}
