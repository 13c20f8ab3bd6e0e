package io.jcri.runtime;

import io.jcri.runtime.sys.Native;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
 * kill -9 of the daemon leaves its container running; a new daemon recovers it from the state dir, reads the
 * output it wrote meanwhile and reports its later exit code. This test JVM plays the role of the subreaper that the deployment puts above the daemon
 * (PR_SET_CHILD_SUBREAPER), so the orphaned container is reparented to it and can be reaped with its status.
 */
class DaemonRestartTest {
    private static final int PR_SET_CHILD_SUBREAPER = 36;

    @TempDir
    Path tmp;

    @Test
    void containerSurvivesKillNineAndIsRecovered() throws Exception {
        Native.check(Native.C.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), "PR_SET_CHILD_SUBREAPER");
        try (RuntimeFixture probeDirs = new RuntimeFixture(tmp, false)) {
            String id = probeDirs.newId();
            Process daemon = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Djnr.ffi.x86asm.enabled=false", "-cp", System.getProperty("java.class.path"),
                    DaemonProbe.class.getName(), probeDirs.root.toString(), probeDirs.state.toString(),
                    probeDirs.cgroupParent, BusyboxRootfs.layer().toString(), id)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            long pid;
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(daemon.getInputStream()));
                String ready = CompletableFuture.supplyAsync(() -> {
                    try {
                        String line;
                        while ((line = out.readLine()) != null) if (line.startsWith("READY ")) return line;
                        return "EOF";
                    } catch (Exception e) {
                        return e.toString();
                    }
                }).get(60, TimeUnit.SECONDS);
                assertThat(ready).startsWith("READY ");
                pid = Long.parseLong(ready.substring(6).trim());
            } finally {
                daemon.destroyForcibly(); // SIGKILL
                daemon.waitFor(30, TimeUnit.SECONDS);
            }
            assertThat(Host.status(pid, "State")).doesNotStartWith("Z").doesNotStartWith("X");
            assertThat(Host.status(pid, "PPid")).isEqualTo(Long.toString(ProcessHandle.current().pid()));

            List<ContainerState> recovered = probeDirs.runtime.recover();
            assertThat(recovered).extracting(ContainerState::id).contains(id);
            ContainerState st = probeDirs.runtime.state(id);
            assertThat(st.status()).isEqualTo(ContainerStatus.RUNNING);
            assertThat(st.pid()).isEqualTo(pid);
            // its stdout FIFO kept what it wrote while no daemon was there (no SIGPIPE), and can be read again
            try (ProcessIO io = probeDirs.runtime.reattachOutput(id)) {
                byte[] buf = new byte[64];
                int n = io.stdout().read(buf);
                assertThat(new String(buf, 0, n)).startsWith("tick\n");
            }
            // exec still works into the recovered container
            ExecResult r = probeDirs.runtime.execSync(id, ProcessSpec.of("cat", "/proc/1/comm"), Duration.ofSeconds(10));
            assertThat(new String(r.stdout())).isEqualTo("sh\n");

            ContainerState stopped = probeDirs.runtime.stop(id, Duration.ofSeconds(10), 15);
            assertThat(stopped.status()).isEqualTo(ContainerStatus.EXITED);
            assertThat(stopped.exitCode()).isEqualTo(42);
            assertThat(stopped.exitKnown()).isTrue();
            assertThat(Files.exists(Path.of("/proc/" + pid))).isFalse();
        } finally {
            Native.C.prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
        }
    }
}
