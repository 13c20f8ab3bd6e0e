package io.jcri.runtime.supervise;

import io.jcri.runtime.kernel.KernelFeature;
import io.jcri.runtime.kernel.KernelFeatures;
import io.jcri.runtime.sys.Native;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The reaper on processes it did not spawn: what a restarted daemon faces. */
class ReaperTest {
    /**
     * A grandchild whose parent never reaps it (the shell execs sleep): not our child, so waitid(P_PIDFD) fails;
     * PIDFD_GET_INFO (6.13+) or, on older kernels, the zombie's wait status in /proc answers.
     */
    @Test
    void exitStatusOfANonChildWhoseParentDoesNotReapIt() throws Exception {
        assertExitOfGrandchild("exec sleep 30", true);
    }

    /**
     * A grandchild orphaned at once, whose new parent (init, systemd or a subreaper) reaps it: only PIDFD_GET_INFO
     * (6.13+) keeps its status then. Before 6.13 the reaper may find it still a zombie (and be right) or not at all,
     * and then says the status is unknown (the daemon takes it from the subreaper's exit log): never a wrong one.
     */
    @Test
    void exitStatusOfAnOrphanReapedBySomeoneElse() throws Exception {
        assertExitOfGrandchild("", KernelFeatures.probe().has(KernelFeature.PIDFD_INFO_EXIT));
    }

    private static void assertExitOfGrandchild(String parentThen, boolean mustKnow) throws Exception {
        java.nio.file.Path go = java.nio.file.Files.createTempFile("reaper-go", "");
        java.nio.file.Files.delete(go);
        Process sh = new ProcessBuilder("sh", "-c", "(while [ ! -e " + go + " ]; do sleep 0.01; done; exit 23) "
                + ">/dev/null 2>&1 </dev/null & echo $!; " + parentThen).start();
        long pid = Long.parseLong(new BufferedReader(new InputStreamReader(sh.getInputStream())).readLine().trim());
        int pidfd = Native.pidfdOpen(pid, 0);
        try (Reaper reaper = new Reaper(null)) {
            var exit = reaper.watch(pidfd);
            java.nio.file.Files.createFile(go);
            Exit e = exit.get(10, TimeUnit.SECONDS);
            if (mustKnow || e.known()) {
                assertThat(e.known()).isTrue();
                assertThat(e.code()).isEqualTo(23);
            } else {
                assertThat(e.code()).isEqualTo(255);
            }
        } finally {
            Native.closeQuietly(pidfd);
            sh.destroyForcibly();
            sh.waitFor(10, TimeUnit.SECONDS);
            java.nio.file.Files.deleteIfExists(go);
        }
    }
}
