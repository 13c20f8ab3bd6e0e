package io.jcri.e2e.differential;

import io.jcri.cri.v1.ContainerConfig;
import io.jcri.cri.v1.ContainerStatus;
import io.jcri.e2e.harness.Deadline;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** How a container ends, as ContainerStatus reports it: exit codes, reasons, OOM kills, StopContainer. */
@ExtendWith(RuntimePairExtension.class)
class LifecycleDifferentialTest {
    private static String ended(ContainerStatus s) {
        return "exit " + s.getExitCode() + ", reason " + s.getReason();
    }

    private static Answers<String> runToExit(RuntimePair pair, ContainerConfig.Builder c) {
        return pair.both(rt -> ended(rt.awaitExited(rt.run(rt.runPod(pair.pod("exit")), c), Duration.ofSeconds(60))));
    }

    @Test
    void exitCode(RuntimePair pair) {
        runToExit(pair, pair.container("c", "sh", "-c", "exit 3")).assertSame("sh -c 'exit 3'");
    }

    @Test
    void exitZero(RuntimePair pair) {
        runToExit(pair, pair.container("c", "true")).assertSame("true");
    }

    @Test
    void oomKill(RuntimePair pair) {
        ContainerConfig.Builder c = pair.container("c", "sh", "-c", "x=aaaaaaaaaaaaaaaa; while :; do x=$x$x; done");
        c.getLinuxBuilder().getResourcesBuilder().setMemoryLimitInBytes(32L << 20);
        runToExit(pair, c).assertSame("a shell doubling a string under a 32 MiB memory limit");
    }

    @Test
    void stopWithTimeoutZero(RuntimePair pair) {
        pair.both(rt -> {
            Side.Ctr c = rt.run(rt.runPod(pair.pod("stop0")), pair.container("c", "sleep", "3600"));
            rt.stop(c, 0);
            return ended(rt.status(c));
        }).assertSame("StopContainer timeout 0 of sleep 3600");
    }

    @Test
    void stopWithTimeoutRunsTheTrap(RuntimePair pair) {
        String script = "trap 'exit 7' TERM; touch /tmp/ready; while :; do sleep 0.1; done";
        pair.both(rt -> {
            Side.Ctr c = rt.run(rt.runPod(pair.pod("stop10")), pair.container("c", "sh", "-c", script));
            Deadline.await(Duration.ofSeconds(20), "the trap", () -> rt.exec(c, "test", "-e", "/tmp/ready")
                    .exitCode() == 0);
            rt.stop(c, 10);
            return ended(rt.status(c));
        }).assertSame("StopContainer timeout 10 of a shell that exits 7 on SIGTERM");
    }
}
