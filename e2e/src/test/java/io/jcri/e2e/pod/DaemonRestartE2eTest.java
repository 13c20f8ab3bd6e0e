package io.jcri.e2e.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.jcri.cri.v1.ContainerState;
import io.jcri.cri.v1.ContainerStatus;
import io.jcri.cri.v1.ListContainersRequest;
import io.jcri.cri.v1.ListPodSandboxRequest;
import io.jcri.cri.v1.PodSandbox;
import io.jcri.cri.v1.PodSandboxConfig;
import io.jcri.cri.v1.PodSandboxState;
import io.jcri.e2e.harness.Deadline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the daemon's JVM with pods running: jcri-subreaper, the JVM's parent that the launcher puts in
 * place, keeps the orphaned containers, records the exit of one that ends while no daemon runs and starts a new
 * JVM, which takes over their state, processes and networks and reports every exit code.
 */
class DaemonRestartE2eTest extends PodE2eBase {
    static final int SIGHUP = 1, SIGCONT = 18, SIGSTOP = 19;

    static int ticks(Path log) {
        return (int) PodClient.readLog(log).lines().filter(l -> l.contains(" stdout F tick-")).count();
    }

    static String procState(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .filter(l -> l.startsWith("State:")).findFirst().orElse("gone");
        } catch (IOException e) {
            return "gone";
        }
    }

    static String ppid(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .filter(l -> l.startsWith("PPid:")).findFirst().orElseThrow().substring(5).trim();
        } catch (IOException e) {
            return "gone";
        }
    }

    static void signal(long pid, int sig) {
        assertThat(io.jcri.runtime.sys.Native.C.kill((int) pid, sig)).as("kill(%d, %d)", pid, sig).isZero();
    }

    @Test
    void afterKillNineOfTheJvmTheSubreaperRestartsItAndEveryExitCodeIsKnown() throws Exception {
        PodSandboxConfig pod1 = fx.pod("survivor").build();
        PodSandboxConfig pod2 = fx.pod("survivor2").build();
        String id1 = c.runPod(pod1);
        String id2 = c.runPod(pod2);
        try {
            String longRunning = c.run(id1, pod1, fx.container("long", "sleep", "3600"));
            // exits with 7 once told to, while the daemon is down
            String quitter = c.run(id1, pod1, fx.container("quitter", "sh", "-c",
                    "while [ ! -e /tmp/go ]; do busybox usleep 20000; done; exit 7"));
            String other = c.run(id2, pod2, fx.container("other", "sleep", "3600"));
            // keeps writing numbered lines, before, during and after the daemon's absence
            c.run(id2, pod2, fx.container("talker", "sh", "-c",
                    "i=0; while :; do echo tick-$i; i=$((i+1)); busybox usleep 100000; done"));
            Path talkerLog = Path.of(pod2.getLogDirectory(), "talker/0.log");
            Deadline.await(Duration.ofSeconds(20), "ticks in " + talkerLog,
                    () -> PodClient.readLog(talkerLog).contains("tick-3\n"));
            long longPid = c.pid(longRunning);
            long quitterPid = c.pid(quitter);
            String ip1 = c.podStatus(id1).getNetwork().getIp();

            // exits with 9 once told to, after the new daemon has taken over (it is not that daemon's child)
            String later = c.run(id2, pod2, fx.container("later", "sh", "-c",
                    "while [ ! -e /tmp/go ]; do busybox usleep 20000; done; exit 9"));
            long laterPid = c.pid(later);

            long subreaper = fx.daemon.keeperPid();
            long oldJvm = fx.daemon.daemonPid();
            // the subreaper is held still (SIGSTOP) so that the quitter ends while no daemon runs and, until it
            // continues, stays an unreaped zombie: the status must travel through the subreaper's exit log
            signal(subreaper, SIGSTOP);
            try {
                fx.daemon.killDaemonJvm();
                // the JVM's threads end one by one, each handing its children to the next: the last hands them
                // to the subreaper
                Deadline.await(Duration.ofSeconds(20), "orphans to be reparented to the subreaper",
                        () -> ppid(longPid).equals(Long.toString(subreaper))
                                && ppid(quitterPid).equals(Long.toString(subreaper)));
                Files.writeString(Path.of("/proc/" + quitterPid + "/root/tmp/go"), "");
                Deadline.await(Duration.ofSeconds(20), "the quitter to exit while the daemon is down",
                        () -> procState(quitterPid).contains("Z (zombie)"));
                assertThat(procState(longPid)).as("the container outlives the daemon").startsWith("State:\tS");
            } finally {
                signal(subreaper, SIGCONT);
            }
            // the subreaper reaps the quitter (recording its exit) and, a second later, starts a new JVM
            Deadline.await(Duration.ofSeconds(20), "the subreaper to reap the quitter",
                    () -> procState(quitterPid).equals("gone"));
            fx.daemon.awaitServing(Duration.ofSeconds(60));
            assertThat(fx.daemon.daemonPid()).isNotEqualTo(oldJvm);
            assertThat(fx.daemon.keeperPid()).isEqualTo(subreaper);

            assertThat(c.rt().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList())
                    .filteredOn(p -> p.getId().equals(id1) || p.getId().equals(id2))
                    .extracting(PodSandbox::getState)
                    .containsExactly(PodSandboxState.SANDBOX_READY, PodSandboxState.SANDBOX_READY);
            assertThat(c.podStatus(id1).getNetwork().getIp()).isEqualTo(ip1);
            assertThat(c.rt().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList())
                    .extracting(io.jcri.cri.v1.Container::getId).contains(longRunning, quitter, other);

            ContainerStatus l = c.status(longRunning);
            assertThat(l.getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
            assertThat(c.pid(longRunning)).isEqualTo(longPid);
            assertThat(c.exec(longRunning, "cat", "/proc/1/comm").getStdout().toStringUtf8()).isEqualTo("sleep\n");

            // the new daemon logs the talker's output again, including what it wrote while nobody read it
            int ticksBefore = ticks(talkerLog);
            Deadline.await(Duration.ofSeconds(20), "new ticks after the restart",
                    () -> ticks(talkerLog) > ticksBefore + 5);
            // in order, each line whole; at most one gap: what the killed daemon had read but not yet written
            List<Integer> numbers = PodClient.readLog(talkerLog).lines()
                    .map(line -> Integer.parseInt(line.substring(line.indexOf(" stdout F tick-") + 15))).toList();
            int gaps = 0;
            for (int i = 1; i < numbers.size(); i++) {
                assertThat(numbers.get(i)).as("tick after %s", numbers.get(i - 1)).isGreaterThan(numbers.get(i - 1));
                gaps += numbers.get(i) == numbers.get(i - 1) + 1 ? 0 : 1;
            }
            assertThat(numbers.get(0)).isZero();
            assertThat(gaps).as("gaps in %s", numbers).isLessThanOrEqualTo(1);

            ContainerStatus q = c.status(quitter);
            assertThat(q.getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
            assertThat(q.getFinishedAt()).isGreaterThanOrEqualTo(q.getStartedAt());
            // its exit status, from the subreaper's exit log
            assertThat(q.getExitCode()).as(q.getMessage()).isEqualTo(7);
            assertThat(fx.daemon.log()).contains("container " + quitter + " (pid " + quitterPid
                    + ") ended while no daemon watched: exit code 7 from the subreaper's exit log");
            assertThat(q.getReason()).isEqualTo("Error");

            // a container of the old daemon that ends now: the new daemon watches it through a pidfd
            Files.writeString(Path.of("/proc/" + laterPid + "/root/tmp/go"), "");
            Deadline.await(Duration.ofSeconds(20), "the later container to be reported exited",
                    () -> c.status(later).getState() == ContainerState.CONTAINER_EXITED);
            assertThat(c.status(later).getExitCode()).as(c.status(later).getMessage()).isEqualTo(9);

            // teardown through the new daemon: containers stopped, CNI DEL from the cached result, names free
            c.cleanup(id1);
            c.cleanup(id2);
            Deadline.await(Duration.ofSeconds(20), "the recovered container's process to be gone",
                    () -> procState(longPid).equals("gone") || procState(longPid).contains("Z (zombie)"));
            assertThat(c.rt().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList())
                    .extracting(io.jcri.cri.v1.Container::getId).doesNotContain(longRunning, quitter, other);
            String again = c.runPod(pod1);
            assertThat(c.podStatus(again).getNetwork().getIp()).startsWith(fx.subnetPrefix + ".");
            c.cleanup(again);
        } finally {
            fx.daemon.awaitServing(Duration.ofSeconds(60)); // after a failure above, the daemon may be restarting
            c.cleanup(id1);
            c.cleanup(id2);
        }
    }

    /** An upgrade: SIGHUP to the subreaper (systemctl reload) stops the JVM cleanly and starts it again at once. */
    @Test
    void sighupRestartsTheDaemonInPlaceAndItsContainersCarryOn() throws Exception {
        PodSandboxConfig pod = fx.pod("upgrade").build();
        String podId = c.runPod(pod);
        try {
            String quitter = c.run(podId, pod, fx.container("quitter", "sh", "-c",
                    "while [ ! -e /tmp/go ]; do busybox usleep 20000; done; exit 5"));
            long quitterPid = c.pid(quitter);
            long subreaper = fx.daemon.keeperPid();
            long oldJvm = fx.daemon.daemonPid();
            signal(fx.daemon.pid(), SIGHUP); // to the front, as systemctl reload sends it: forwarded to the keeper
            Deadline.await(Duration.ofSeconds(30), "the old JVM to exit", () -> procState(oldJvm).equals("gone"));
            assertThat(fx.daemon.log()).contains("stop requested");
            fx.daemon.awaitServing(Duration.ofSeconds(60));
            assertThat(fx.daemon.daemonPid()).isNotEqualTo(oldJvm);
            assertThat(fx.daemon.keeperPid()).isEqualTo(subreaper);
            assertThat(ppid(quitterPid)).as("kept by the subreaper").isEqualTo(Long.toString(subreaper));
            assertThat(c.status(quitter).getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);

            Files.writeString(Path.of("/proc/" + quitterPid + "/root/tmp/go"), "");
            Deadline.await(Duration.ofSeconds(20), "the quitter to be reported exited",
                    () -> c.status(quitter).getState() == ContainerState.CONTAINER_EXITED);
            assertThat(c.status(quitter).getExitCode()).isEqualTo(5);
        } finally {
            fx.daemon.awaitServing(Duration.ofSeconds(60));
            c.cleanup(podId);
        }
    }
}
