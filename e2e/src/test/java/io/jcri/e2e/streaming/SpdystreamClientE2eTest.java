package io.jcri.e2e.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.jcri.cri.v1.AttachRequest;
import io.jcri.cri.v1.ContainerConfig;
import io.jcri.cri.v1.ContainerState;
import io.jcri.cri.v1.ContainerStatusRequest;
import io.jcri.cri.v1.ExecRequest;
import io.jcri.cri.v1.ExecSyncRequest;
import io.jcri.cri.v1.ImageSpec;
import io.jcri.cri.v1.PortForwardRequest;
import io.jcri.cri.v1.PullImageRequest;
import io.jcri.e2e.bench.BenchTarget;
import io.jcri.e2e.bench.ContainerdTarget;
import io.jcri.e2e.bench.JcriTarget;
import io.jcri.e2e.bench.Pods;
import io.jcri.e2e.harness.CgroupTrees;
import io.jcri.e2e.harness.ContainerdDaemon;
import io.jcri.e2e.harness.Deadline;
import io.jcri.image.testkit.ManifestFormat;
import io.jcri.image.testkit.TestImageBuilder;
import io.jcri.image.testkit.TestLayers;
import io.jcri.image.testkit.TestRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exec, attach and port-forward through a client built on spdystream itself (the framer kubelet, kubectl and
 * crictl use), against jcri and against containerd 1.6 on the same machine: every case runs the same CRI request
 * and the same client invocation on both, and jcri must give what containerd gives (stdout, stderr, exit code).
 * One containerd, one jcri and one pod on each for the class; the Go client is built once.
 */
class SpdystreamClientE2eTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(40);
    /** What a container started for port-forward listens on: a persistent busybox nc echoing through cat. */
    private static final int ECHO_PORT = 8080;

    @TempDir
    static Path base;
    static TestRegistry registry;
    static final Map<String, Side> sides = new LinkedHashMap<>();

    /** One runtime: its pod, the long-running container to exec into, the port-forward echo server. */
    record Side(BenchTarget target, Pods pods, Pods.Pod pod, String main, String echo) {
        String name() {
            return target.name();
        }
    }

    /** This run's names: bridges, cgroup parents. */
    private static String tag;

    @BeforeAll
    static void start() throws Exception {
        GoSpdyClient.binary();
        registry = TestRegistry.start();
        TestImageBuilder.image().layer(TestLayers.busybox()).cmd("sh")
                .push(registry, "e2e/busybox", "1.0", ManifestFormat.OCI);
        String busybox = registry.host() + "/e2e/busybox:1.0";
        String pause = ContainerdDaemon.pushSandboxImage(registry, "e2e/pause");
        tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
        int net = ThreadLocalRandom.current().nextInt(1, 254);
        for (String name : List.of("jcri", "containerd")) {
            Path dir = Files.createDirectories(base.resolve(name));
            Path netd = Files.createDirectories(dir.resolve("net.d"));
            Files.writeString(netd.resolve("10-e2e.conflist"), """
                    {"cniVersion": "1.0.0", "name": "jcri-e2e", "plugins": [
                      {"type": "bridge", "bridge": "%s", "isGateway": true, "ipMasq": false,
                       "ipam": {"type": "host-local", "dataDir": "%s", "ranges": [[{"subnet": "%s.0/24"}]]}}
                    ]}
                    """.formatted("jss" + tag + name.charAt(0), dir.resolve("ipam"),
                    (name.equals("jcri") ? "10.235." : "10.236.") + net));
            String cgroupParent = "/jcri-e2e-spdy-" + tag + "-" + name;
            BenchTarget t = name.equals("jcri") ? JcriTarget.start(dir, registry.host(), netd, cgroupParent)
                    : ContainerdTarget.start(dir, registry.host(), pause, netd, cgroupParent);
            Pods pods = new Pods(t, busybox);
            sides.put(name, new Side(t, pods, null, null, null));
            for (String img : name.equals("jcri") ? List.of(busybox) : List.of(busybox, pause)) {
                t.cri().images().pullImage(PullImageRequest.newBuilder()
                        .setImage(ImageSpec.newBuilder().setImage(img)).build());
            }
            Pods.Pod pod = pods.run("spdy");
            String main = pods.create(pod, pods.container(pod, "main", "sleep", "3600"));
            pods.start(main);
            String echo = pods.create(pod, pods.container(pod, "echo", "/bin/busybox", "nc", "-ll", "-p",
                    Integer.toString(ECHO_PORT), "-e", "/bin/cat"));
            pods.start(echo);
            sides.put(name, new Side(t, pods, pod, main, echo));
        }
    }

    @AfterAll
    static void stop() {
        List<String> failures = new ArrayList<>();
        for (Side s : sides.values()) {
            try {
                failures.addAll(s.pods().destroyAll());
            } catch (RuntimeException e) {
                failures.add(s.name() + ": " + e);
            }
            List<Long> shims = s.target() instanceof ContainerdTarget c ? c.shimPids() : List.of();
            s.target().close();
            // shims of pods that could not be removed outlive containerd: stop them by PID
            shims.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
            deleteLink(s);
        }
        sides.clear();
        if (registry != null) {
            registry.close();
        }
        if (tag != null) {
            try {
                // the pods' cgroup parents (kubelet's to remove, so no runtime removes them)
                CgroupTrees.removeTrees("jcri-e2e-spdy-" + tag + "-");
            } catch (IOException | RuntimeException e) {
                failures.add("cgroup parents: " + e);
            }
        }
        assertThat(failures).as("teardown").isEmpty();
    }

    private static void deleteLink(Side s) {
        try {
            String bridge = Files.readString(s.target().logRoot().getParent().resolve("net.d/10-e2e.conflist"))
                    .replaceAll("(?s).*\"bridge\": \"([^\"]+)\".*", "$1");
            Process p = new ProcessBuilder("ip", "link", "del", bridge).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException ignored) {
            // never created
        }
    }

    // ------------------------------------------------------------------------------------------------ exec

    @Test
    void execWithoutTtyGivesStdoutStderrAndTheExitCode() throws Exception {
        Map<String, GoSpdyClient.Result> r = both(s -> exec(s, "", false, false,
                "sh", "-c", "echo out; echo err >&2; exit 3"), List.of());
        assertSame(r);
        // the case must mean something: containerd's own answer (read, not written down)
        assertThat(r.get("containerd").exit()).isEqualTo(3);
        assertThat(r.get("containerd").stdout()).isEqualTo("out\n");
    }

    @Test
    void execNegotiatesTheClientsFirstSupportedProtocol() throws Exception {
        Map<String, GoSpdyClient.Result> r = both(s -> exec(s, "", false, false, "echo", "ok"),
                List.of("-protocols=v9.channel.k8s.io,v4.channel.k8s.io,v3.channel.k8s.io"));
        assertSame(r);
        assertThat(r.get("jcri").protocol()).isEqualTo(r.get("containerd").protocol()).isEqualTo("v4.channel.k8s.io");
        assertThat(r.get("containerd").exit()).isZero();
        // client-go's default offer starts with v5; containerd 1.6's streaming library predates v5 and picks v4,
        // jcri takes v5 (over SPDY the same as v4, as kubelet's newer library and containerd 2 do): written down
        // here, containerd 1.6 cannot be asked
        r = both(s -> exec(s, "", false, false, "echo", "ok"), List.of());
        assertSame(r);
        assertThat(r.get("jcri").protocol()).isEqualTo("v5.channel.k8s.io");
    }

    @Test
    void execEachOlderProtocolVersion() throws Exception {
        for (String protocol : List.of("v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io",
                "channel.k8s.io")) {
            Map<String, GoSpdyClient.Result> r = both(s -> exec(s, "", false, false,
                    "sh", "-c", "echo v; exit 2"), List.of("-protocols=" + protocol));
            assertThat(r.get("jcri").protocol()).as(protocol).isEqualTo(protocol);
            assertThat(r.get("jcri").exit()).as(protocol).isEqualTo(r.get("containerd").exit());
            assertThat(r.get("jcri").stdout()).as(protocol).isEqualTo(r.get("containerd").stdout());
            assertThat(errorStream(r.get("jcri"))).as(protocol).isEqualTo(errorStream(r.get("containerd")));
        }
    }

    @Test
    void execWithStdinEchoesThroughCat() throws Exception {
        String input = "hello\nworld\n" + "x".repeat(100_000) + "\n";
        Map<String, GoSpdyClient.Result> r = both(s -> exec(s, input, true, false, "cat"), List.of("-stdin"));
        assertSame(r);
        assertThat(r.get("containerd").stdout()).isEqualTo(input);
    }

    @Test
    void execWithTtySeesTheResize() throws Exception {
        // waits (bounded) for the size the client sent on the resize stream, then prints what the tty has
        String script = "i=0; while [ \"$(/bin/busybox stty size 2>/dev/null)\" != \"40 100\" ] && [ $i -lt 100 ]; do"
                + " sleep 0.05; i=$((i+1)); done; /bin/busybox stty size; echo tty-done";
        Map<String, GoSpdyClient.Result> r = both(s -> exec(s, "", false, true, "sh", "-c", script),
                List.of("-tty", "-stderr=false", "-resize=100x40"));
        assertSame(r);
        assertThat(r.get("containerd").stdout()).isEqualTo("40 100\r\ntty-done\r\n");
    }

    @Test
    void execWithTtyAndStdin() throws Exception {
        Map<String, GoSpdyClient.Result> r = both(s -> exec(s, "abc\n", true, true,
                "sh", "-c", "read l; echo got:$l"), List.of("-tty", "-stdin", "-stderr=false", "-keep-stdin"));
        assertSame(r);
        assertThat(r.get("containerd").stdout()).contains("got:abc");
    }

    // ---------------------------------------------------------------------------------------------- attach

    @Test
    void attachWithoutTtyToARunningContainer() throws Exception {
        Map<String, GoSpdyClient.Result> r = both(s -> attach(s, "a\nb\n", false,
                "sh", "-c", "while read l; do echo out:$l; echo err:$l >&2; done; echo bye"), List.of("-stdin"));
        assertSame(r);
        assertThat(r.get("containerd").stdout()).isEqualTo("out:a\nout:b\nbye\n");
    }

    @Test
    void attachWithTtyToARunningContainer() throws Exception {
        Map<String, GoSpdyClient.Result> r = both(s -> attach(s, "hi\n", true, "sh", "-c", "read l; echo got:$l"),
                List.of("-stdin", "-tty", "-stderr=false", "-keep-stdin"));
        assertSame(r);
        assertThat(r.get("containerd").stdout()).contains("got:hi");
    }

    // ---------------------------------------------------------------------------------------------- port-forward

    @Test
    void portForwardExchangesBytesWithAServerInThePod() throws Exception {
        String input = "ping\n" + "y".repeat(200_000) + "\n";
        Map<String, GoSpdyClient.Result> r = both(s -> portForward(s, input),
                List.of("-port=" + ECHO_PORT, "-ping"));
        assertSame(r);
        assertThat(r.get("containerd").stdout()).isEqualTo(input);
        assertThat(r.get("jcri").notes()).contains("ping answered");
    }

    @Test
    void portForwardSeveralConnectionsInOneSession() throws Exception {
        Map<String, GoSpdyClient.Result> r = both(s -> portForward(s, "many\n"),
                List.of("-port=" + ECHO_PORT, "-connections=3"));
        assertSame(r);
        assertThat(r.get("containerd").stdout()).isEqualTo("connection 0: many\nconnection 1: many\nconnection 2: many\n");
    }

    @Test
    void portForwardToAClosedPortReportsOnTheErrorStream() throws Exception {
        Map<String, GoSpdyClient.Result> r = both(s -> portForward(s, "nobody\n"), List.of("-port=8099"));
        // the message's wording is each runtime's own (containerd names its netns path); the outcome is not
        assertThat(r.get("jcri").exit()).as(r.toString()).isEqualTo(r.get("containerd").exit())
                .isEqualTo(GoSpdyClient.FAILURE);
        assertThat(r.get("jcri").stdout()).isEqualTo(r.get("containerd").stdout());
    }

    // ---------------------------------------------------------------------------------------------- helpers

    /** A client invocation for one side: its stdin, the kind (exec, attach, portforward) and the RPC's URL. */
    private record Call(String stdin, String kind, String url) {
    }

    private interface Prepare {
        Call on(Side s) throws Exception;
    }

    /** Prepares the call on each side (the RPC answer names the URL), runs the client with {@code flags}. */
    private static Map<String, GoSpdyClient.Result> both(Prepare prepare, List<String> flags) throws Exception {
        Map<String, GoSpdyClient.Result> results = new LinkedHashMap<>();
        for (Side s : sides.values()) {
            Call c = prepare.on(s);
            List<String> args = new ArrayList<>(flags);
            args.add(c.kind());
            args.add(c.url());
            GoSpdyClient.Result res = GoSpdyClient.run(c.stdin(), args, TIMEOUT);
            System.out.println("spdystream client against " + s.name() + ": " + res);
            results.put(s.name(), res);
        }
        return results;
    }

    private static void assertSame(Map<String, GoSpdyClient.Result> r) {
        GoSpdyClient.Result jcri = r.get("jcri");
        GoSpdyClient.Result containerd = r.get("containerd");
        assertThat(containerd.exit()).as("containerd must not fail on the protocol: " + containerd)
                .isNotIn(GoSpdyClient.PROTOCOL_ERROR, GoSpdyClient.TIMED_OUT);
        assertThat(jcri.stdout()).as("stdout, jcri vs containerd (" + r + ")").isEqualTo(containerd.stdout());
        assertThat(jcri.stderr()).as("stderr, jcri vs containerd (" + r + ")").isEqualTo(containerd.stderr());
        assertThat(jcri.exit()).as("exit code, jcri vs containerd (" + r + ")").isEqualTo(containerd.exit());
        assertThat(errorStream(jcri)).as("error stream, jcri vs containerd").isEqualTo(errorStream(containerd));
    }

    private static List<String> errorStream(GoSpdyClient.Result r) {
        return r.notes().stream().filter(n -> n.startsWith("error stream ")).toList();
    }

    private static Call exec(Side s, String stdin, boolean withStdin, boolean tty, String... cmd) {
        String url = s.target().cri().runtime().exec(ExecRequest.newBuilder().setContainerId(s.main())
                .addAllCmd(List.of(cmd)).setStdin(withStdin).setStdout(true).setStderr(!tty).setTty(tty)
                .build()).getUrl();
        return new Call(stdin, "exec", url);
    }

    /** A new container (stdin once, optionally a tty) running {@code cmd}, attached to once it runs. */
    private static Call attach(Side s, String stdin, boolean tty, String... cmd) {
        ContainerConfig config = s.pods().container(s.pod(), "attach-" + Long.toHexString(System.nanoTime()), cmd)
                .toBuilder().setStdin(true).setStdinOnce(true).setTty(tty).build();
        String id = s.pods().create(s.pod(), config);
        s.pods().start(id);
        Deadline.await(Duration.ofSeconds(20), "container " + id + " on " + s.name() + " to run",
                () -> s.target().cri().runtime().containerStatus(ContainerStatusRequest.newBuilder()
                        .setContainerId(id).build()).getStatus().getState() == ContainerState.CONTAINER_RUNNING);
        String url = s.target().cri().runtime().attach(AttachRequest.newBuilder().setContainerId(id)
                .setStdin(true).setStdout(true).setStderr(!tty).setTty(tty).build()).getUrl();
        return new Call(stdin, "attach", url);
    }

    private static Call portForward(Side s, String stdin) {
        awaitListening(s, ECHO_PORT);
        String url = s.target().cri().runtime().portForward(PortForwardRequest.newBuilder()
                .setPodSandboxId(s.pod().id()).addPort(ECHO_PORT).build()).getUrl();
        return new Call(stdin, "portforward", url);
    }

    /** Polls the pod's /proc/net/tcp and tcp6 (from its main container) until {@code port} is in LISTEN state. */
    private static void awaitListening(Side s, int port) {
        java.util.regex.Pattern listen = java.util.regex.Pattern.compile(
                String.format(":%04X [0-9A-F]+:0000 0A ", port));
        Deadline.await(Duration.ofSeconds(20), "port " + port + " listening in the pod on " + s.name(),
                () -> listen.matcher(s.target().cri().runtime().execSync(ExecSyncRequest.newBuilder()
                        .setContainerId(s.main()).addCmd("cat").addCmd("/proc/net/tcp").addCmd("/proc/net/tcp6")
                        .setTimeout(10).build()).getStdout().toStringUtf8()).find());
    }
}
