package io.jcri.e2e.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.jcri.cri.v1.AttachRequest;
import io.jcri.cri.v1.ContainerState;
import io.jcri.cri.v1.ContainerStatusRequest;
import io.jcri.cri.v1.ExecSyncRequest;
import io.jcri.e2e.harness.Deadline;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Exec, Attach and PortForward through the daemon's streaming server, with the client side of the Kubernetes
 * protocols (SPDY/3.1 as kubelet and crictl speak it, WebSocket v5 as newer clients do), against real containers.
 */
class StreamingE2eTest extends StreamingE2eBase {
    @Test
    void execReturnsStdoutStderrAndTheExitCode() throws Exception {
        String url = execUrl("sh", "-c", "echo hello; echo oops >&2; exit 3");
        assertThat(url).matches("http://127\\.0\\.0\\.1:\\d+/exec/[A-Za-z0-9_-]{40,}");
        try (SpdyTestClient c = spdy(url, "v4.channel.k8s.io")) {
            var error = c.open("streamtype", "error");
            var stdout = c.open("streamtype", "stdout");
            var stderr = c.open("streamtype", "stderr");
            assertThat(stdout.readAll(WAIT)).isEqualTo("hello\n");
            assertThat(stderr.readAll(WAIT)).isEqualTo("oops\n");
            String status = error.readAll(WAIT);
            assertThat(status).contains("\"status\":\"Failure\"", "\"reason\":\"NonZeroExitCode\"",
                    "{\"reason\":\"ExitCode\",\"message\":\"3\"}");
        }
    }

    @Test
    void execSuccessAndOlderProtocolVersions() throws Exception {
        try (SpdyTestClient c = spdy(execUrl("echo", "ok"), "v4.channel.k8s.io")) {
            var error = c.open("streamtype", "error");
            var stdout = c.open("streamtype", "stdout");
            c.open("streamtype", "stderr");
            assertThat(stdout.readAll(WAIT)).isEqualTo("ok\n");
            assertThat(error.readAll(WAIT)).isEqualTo("{\"metadata\":{},\"status\":\"Success\"}");
        }
        // v2.channel.k8s.io: failures as plain text on the error stream
        SpdyTestClient.Upgrade up = SpdyTestClient.connect(execUrl("sh", "-c", "echo old; exit 5"),
                "v9.channel.k8s.io", "v2.channel.k8s.io");
        assertThat(up.protocol()).isEqualTo("v2.channel.k8s.io");
        try (SpdyTestClient c = up.connection()) {
            var error = c.open("streamtype", "error");
            var stdout = c.open("streamtype", "stdout");
            c.open("streamtype", "stderr");
            assertThat(stdout.readAll(WAIT)).isEqualTo("old\n");
            assertThat(error.readAll(WAIT)).contains("exit code").contains("5").doesNotContain("{");
        }
        // channel.k8s.io (v1): the error stream is reset once all streams are open, as kubelet's v1 handler
        // (and so containerd) does, so the client never reads a status
        up = SpdyTestClient.connect(execUrl("sh", "-c", "echo old; exit 5"), "channel.k8s.io");
        try (SpdyTestClient c = up.connection()) {
            var error = c.open("streamtype", "error");
            var stdout = c.open("streamtype", "stdout");
            c.open("streamtype", "stderr");
            assertThat(stdout.readAll(WAIT)).isEqualTo("old\n");
            assertThat(error.readAll(WAIT)).isEmpty();
            assertThat(error.reset).isTrue();
        }
        // no common version: 403 naming what the server accepts, nothing runs
        SpdyTestClient.Upgrade refused = SpdyTestClient.connect(execUrl("echo"), "v99.channel.k8s.io");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).contains("v4.channel.k8s.io");
    }

    @Test
    void execWithStdinEchoesThroughCat() throws Exception {
        try (SpdyTestClient c = spdy(execUrl(true, true, false, false, "cat"), "v4.channel.k8s.io")) {
            var error = c.open("streamtype", "error");
            var stdin = c.open("streamtype", "stdin");
            var stdout = c.open("streamtype", "stdout");
            stdin.write("ping\n");
            Deadline.await(WAIT, "cat to echo the first line", () -> stdout.text().equals("ping\n"));
            byte[] big = new byte[300_000];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) ('a' + i % 26);
            }
            stdin.write(big);
            stdin.finish();
            assertThat(stdout.readAll(WAIT)).hasSize(5 + big.length).endsWith(new String(big, 0, 100,
                    StandardCharsets.US_ASCII).substring(0, 0) + new String(big, big.length - 26, 26,
                    StandardCharsets.US_ASCII));
            assertThat(error.readAll(WAIT)).contains("\"status\":\"Success\"");
        }
    }

    @Test
    void execWithTtyAppliesResizes() throws Exception {
        String url = execUrl(true, true, false, true, "sh", "-c", "read x; busybox stty size");
        try (SpdyTestClient c = spdy(url, "v4.channel.k8s.io")) {
            var error = c.open("streamtype", "error");
            var stdin = c.open("streamtype", "stdin");
            var stdout = c.open("streamtype", "stdout");
            var resize = c.open("streamtype", "resize");
            resize.write("{\"Width\":123,\"Height\":45}\n");
            stdin.write("go\n");
            String out = stdout.readAll(WAIT);
            assertThat(out).contains("45 123");
            assertThat(error.readAll(WAIT)).contains("\"status\":\"Success\"");
        }
    }

    @Test
    void execOverWebSocketV5WithTheCloseSignal() throws Exception {
        String url = execUrl(true, true, true, false, "sh", "-c", "cat; echo done; exit 2");
        try (WebSocketTestClient ws = WebSocketTestClient.connect(url, "v5.channel.k8s.io")) {
            assertThat(ws.subprotocol.get()).isEqualTo("v5.channel.k8s.io");
            ws.send(0, "over websocket\n".getBytes(StandardCharsets.UTF_8));
            ws.send(255, new byte[] {0}); // v5 CLOSE signal: stdin done
            ws.closed.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            assertThat(ws.text(1)).isEqualTo("over websocket\ndone\n");
            assertThat(ws.text(3)).contains("\"reason\":\"NonZeroExitCode\"", "\"message\":\"2\"");
        }
    }

    @Test
    void attachSeesTheContainersOutputWhileTheLogKeepsIt() throws Exception {
        String ticker = fx.run(fx.container("ticker", "sh", "-c",
                "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.1; done"));
        String url = fx.rt().attach(AttachRequest.newBuilder().setContainerId(ticker).setStdout(true).build())
                .getUrl();
        try (SpdyTestClient c = spdy(url, "v4.channel.k8s.io")) {
            c.open("streamtype", "error");
            var stdout = c.open("streamtype", "stdout");
            Deadline.await(WAIT, "three ticks through attach", () -> stdout.text().split("tick").length > 3);
        }
        assertThat(fx.rt().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(ticker).build())
                .getStatus().getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
        Path log = fx.logOf("ticker");
        Deadline.await(WAIT, "ticks in the log after the client left", () -> {
            try {
                return Files.readString(log).contains("stdout F tick 5");
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Test
    void attachToAnInteractiveTtyContainerWithStdinAndResize() throws Exception {
        String shell = fx.run(fx.container("shell", "sh").setStdin(true).setTty(true));
        String url = fx.rt().attach(AttachRequest.newBuilder().setContainerId(shell).setStdin(true).setStdout(true)
                .setTty(true).build()).getUrl();
        try (SpdyTestClient c = spdy(url, "v4.channel.k8s.io")) {
            c.open("streamtype", "error");
            var stdin = c.open("streamtype", "stdin");
            var stdout = c.open("streamtype", "stdout");
            var resize = c.open("streamtype", "resize");
            resize.write("{\"Width\":101,\"Height\":33}\n");
            stdin.write("busybox stty size; echo marker-$((6*7))\n");
            Deadline.await(WAIT, "the shell to answer through attach:\n" + stdout.text(),
                    () -> stdout.text().contains("marker-42"));
            assertThat(stdout.text()).contains("33 101");
        }
        assertThat(fx.rt().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(shell).build())
                .getStatus().getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
    }

    @Test
    void expiredAndReusedTokensAreRefusedAndRunNothing() throws Exception {
        String url = execUrl("echo", "once");
        try (SpdyTestClient c = spdy(url, "v4.channel.k8s.io")) {
            c.open("streamtype", "error");
            var stdout = c.open("streamtype", "stdout");
            c.open("streamtype", "stderr");
            assertThat(stdout.readAll(WAIT)).isEqualTo("once\n");
        }
        SpdyTestClient.Upgrade reused = SpdyTestClient.connect(url, "v4.channel.k8s.io");
        assertThat(reused.status()).isEqualTo(404);

        String expired = execUrl("touch", "/tmp/expired-token-ran");
        long issued = System.nanoTime();
        Duration ttl = Duration.ofSeconds(StreamingFixture.TOKEN_TTL_SECONDS);
        Deadline.await(ttl.plusSeconds(5), "the token to expire",
                () -> System.nanoTime() - issued > ttl.plusMillis(500).toNanos());
        SpdyTestClient.Upgrade late = SpdyTestClient.connect(expired, "v4.channel.k8s.io");
        assertThat(late.status()).isEqualTo(404);
        assertThat(fx.rt().execSync(ExecSyncRequest.newBuilder().setContainerId(main)
                .addAllCmd(List.of("ls", "/tmp/expired-token-ran")).setTimeout(10).build()).getExitCode())
                .isNotZero();
    }

    @Test
    void aClientThatVanishesLeavesNoProcessBehind() throws Exception {
        String marker = "86399";
        String url = execUrl(true, true, false, false, "sh", "-c", "exec busybox sleep " + marker);
        long pid = -1;
        try {
            SpdyTestClient c = spdy(url, "v4.channel.k8s.io");
            c.open("streamtype", "error");
            c.open("streamtype", "stdin");
            c.open("streamtype", "stdout");
            Deadline.await(WAIT, "the exec'd process to appear in /proc", () -> findProcess(marker).isPresent());
            pid = findProcess(marker).orElseThrow();
            c.close(); // no FIN, no GOAWAY: the client just vanishes
            Path proc = Path.of("/proc/" + pid);
            Deadline.await(WAIT, "process " + pid + " to be gone after the client vanished",
                    () -> !Files.exists(proc) || isZombieGone(proc));
        } finally {
            if (pid > 0 && Files.exists(Path.of("/proc/" + pid))) {
                new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
            }
        }
    }

    private static boolean isZombieGone(Path proc) {
        try {
            return Files.readString(proc.resolve("stat")).contains(") Z");
        } catch (IOException e) {
            return true;
        }
    }

    /** A host pid whose command line is {@code busybox sleep <marker>}. */
    private static Optional<Long> findProcess(String marker) {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> {
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                    return cmd.equals("busybox\0sleep\0" + marker + "\0");
                } catch (IOException e) {
                    return false;
                }
            }).map(p -> Long.parseLong(p.getFileName().toString())).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
