package io.jcri.runtime;

import io.jcri.runtime.supervise.SubreaperElf;
import io.jcri.runtime.sys.Native;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of a daemon running under the real jcri-subreaper: its containers keep running, reparented to the
 * subreaper; one that ends while no daemon runs is reaped and recorded by it; a new daemon recovers both from the
 * state dir and the exit log, reads the output written meanwhile and learns the later exit code. Both /proc paths.
 */
class DaemonRestartTest {
    private static final int SIGKILL = 9, SIGTERM = 15, SIGCONT = 18, SIGSTOP = 19;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "forceProcFallback={0}")
    @ValueSource(booleans = {false, true})
    void containersSurviveKillNineAndTheirExitCodesAreKnown(boolean fallback) throws Exception {
        Path subreaper = tmp.resolve("jcri-subreaper"), exitLog = tmp.resolve("exits.log");
        SubreaperElf.write(subreaper);
        try (RuntimeFixture dirs = new RuntimeFixture(tmp, fallback, exitLog)) {
            String ticker = dirs.newId(), quitter = dirs.newId(), echoer = dirs.newId();
            Process sup = new ProcessBuilder(subreaper.toString(), exitLog.toString(),
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Djnr.ffi.x86asm.enabled=false", "-cp", System.getProperty("java.class.path"),
                    DaemonProbe.class.getName(), dirs.root.toString(), dirs.state.toString(), dirs.cgroupParent,
                    BusyboxRootfs.layer().toString(), ticker, quitter, Boolean.toString(fallback),
                    tmp.resolve("probe-started").toString(), echoer)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            long tickerPid = 0, quitterPid = 0;
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(sup.getInputStream()));
                String ready = CompletableFuture.supplyAsync(() -> {
                    try {
                        String line;
                        while ((line = out.readLine()) != null) if (line.startsWith("READY ")) return line;
                        return "EOF";
                    } catch (Exception e) {
                        return e.toString();
                    }
                    // a deadline, not a wait: a fresh JVM starting two containers takes ~1 s here but over a
                    // minute in the VM tier's emulated guest when the machine is busy (it timed out at 60 s on 6.1)
                }).get(180, TimeUnit.SECONDS);
                assertThat(ready).startsWith("READY ");
                String[] pids = ready.split(" ");
                tickerPid = Long.parseLong(pids[1]);
                quitterPid = Long.parseLong(pids[2].trim());
                // jcri-subreaper's keeper (its front's child) is the probe's parent and the containers' subreaper
                ProcessHandle keeper = sup.children().findFirst().orElseThrow();
                long probe = keeper.children().findFirst().orElseThrow().pid();
                String supPid = Long.toString(keeper.pid());

                // the subreaper held still: the probe dies, the quitter ends while no daemon runs and stays a zombie
                assertThat(Native.C.kill((int) keeper.pid(), SIGSTOP)).isZero();
                try {
                    assertThat(Native.C.kill((int) probe, SIGKILL)).isZero();
                    long t = tickerPid, q = quitterPid;
                    assertThat(Host.eventually(Duration.ofSeconds(20), () -> Host.status(t, "PPid").equals(supPid)
                            && Host.status(q, "PPid").equals(supPid))).as("reparented to the subreaper").isTrue();
                    Files.writeString(Path.of("/proc/" + quitterPid + "/root/tmp/go"), "");
                    assertThat(Host.eventually(Duration.ofSeconds(20),
                            () -> Host.status(q, "State").startsWith("Z"))).as("the quitter ended").isTrue();
                } finally {
                    Native.C.kill((int) keeper.pid(), SIGCONT);
                }
                long q = quitterPid;
                assertThat(Host.eventually(Duration.ofSeconds(20), () -> !Files.exists(Path.of("/proc/" + q))))
                        .as("the subreaper reaped the quitter").isTrue();
                assertThat(Host.status(tickerPid, "State")).doesNotStartWith("Z").doesNotStartWith("X");

                // this JVM is the new daemon
                List<ContainerState> recovered = dirs.runtime.recover();
                assertThat(recovered).extracting(ContainerState::id).contains(ticker, quitter);
                ContainerState quit = dirs.runtime.state(quitter);
                assertThat(quit.status()).isEqualTo(ContainerStatus.EXITED);
                assertThat(quit.exitKnown()).isTrue();
                assertThat(quit.exitCode()).isEqualTo(7);
                ContainerState st = dirs.runtime.state(ticker);
                assertThat(st.status()).isEqualTo(ContainerStatus.RUNNING);
                assertThat(st.pid()).isEqualTo(tickerPid);
                // its stdout FIFO kept what it wrote while no daemon was there (no SIGPIPE), and can be read again
                try (ProcessIO io = dirs.runtime.reattachOutput(ticker)) {
                    byte[] buf = new byte[64];
                    int n = io.stdout().read(buf);
                    assertThat(new String(buf, 0, n)).startsWith("tick\n");
                }
                ExecResult r = dirs.runtime.execSync(ticker, ProcessSpec.of("cat", "/proc/1/comm"),
                        Duration.ofSeconds(10));
                assertThat(new String(r.stdout())).isEqualTo("sh\n");

                // its stdin (kept open, no stdin_once) never saw EOF and takes input from the new daemon
                assertThat(dirs.runtime.state(echoer).status()).isEqualTo(ContainerStatus.RUNNING);
                try (ProcessIO io = dirs.runtime.reattachOutput(echoer)) {
                    io.stdin().write("after-restart\n".getBytes());
                    io.stdin().flush();
                    byte[] buf = new byte[64];
                    int n = io.stdout().read(buf);
                    assertThat(new String(buf, 0, n)).isEqualTo("got-after-restart\n");
                }
                dirs.runtime.stop(echoer, Duration.ofSeconds(5), SIGKILL);

                // not our child: the subreaper reaps it, and its status still reaches us
                ContainerState stopped = dirs.runtime.stop(ticker, Duration.ofSeconds(10), SIGTERM);
                assertThat(stopped.status()).isEqualTo(ContainerStatus.EXITED);
                assertThat(stopped.exitCode()).isEqualTo(42);
                assertThat(stopped.exitKnown()).isTrue();
                long t = tickerPid;
                assertThat(Host.eventually(Duration.ofSeconds(20), () -> !Files.exists(Path.of("/proc/" + t))))
                        .isTrue();

                assertThat(Native.C.kill((int) sup.pid(), SIGTERM)).isZero();
                assertThat(sup.waitFor(30, TimeUnit.SECONDS)).isTrue();
            } finally {
                sup.children().forEach(k -> {
                    k.children().forEach(ProcessHandle::destroyForcibly);
                    k.destroyForcibly();
                });
                sup.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                if (tickerPid > 0) Native.C.kill((int) tickerPid, SIGKILL);
                if (quitterPid > 0) Native.C.kill((int) quitterPid, SIGKILL);
            }
        }
    }
}
