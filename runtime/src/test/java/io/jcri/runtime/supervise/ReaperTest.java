package io.jcri.runtime.supervise;

import io.jcri.runtime.sys.Native;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The reaper on processes it did not spawn: what a restarted daemon faces. */
class ReaperTest {
    @Test
    void exitStatusOfAProcessThatIsNotOurChild() throws Exception {
        // a grandchild, orphaned at once: not our child, so waitid(P_PIDFD) fails and PIDFD_GET_INFO must answer
        java.nio.file.Path go = java.nio.file.Files.createTempFile("reaper-go", "");
        java.nio.file.Files.delete(go);
        Process sh = new ProcessBuilder("sh", "-c",
                "(while [ ! -e " + go + " ]; do sleep 0.01; done; exit 23) >/dev/null 2>&1 </dev/null & echo $!").start();
        long pid = Long.parseLong(new BufferedReader(new InputStreamReader(sh.getInputStream())).readLine().trim());
        int pidfd = Native.pidfdOpen(pid, 0);
        try (Reaper reaper = new Reaper(null)) {
            var exit = reaper.watch(pidfd);
            java.nio.file.Files.createFile(go);
            Exit e = exit.get(10, TimeUnit.SECONDS);
            assertThat(e.known()).isTrue();
            assertThat(e.code()).isEqualTo(23);
        } finally {
            Native.closeQuietly(pidfd);
            sh.waitFor(10, TimeUnit.SECONDS);
            java.nio.file.Files.deleteIfExists(go);
        }
    }
}
