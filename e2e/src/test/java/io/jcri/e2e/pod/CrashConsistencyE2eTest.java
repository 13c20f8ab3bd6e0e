package io.jcri.e2e.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.StatusRuntimeException;
import io.jcri.cri.v1.ListPodSandboxRequest;
import io.jcri.cri.v1.PodSandbox;
import io.jcri.cri.v1.PodSandboxState;
import io.jcri.cri.v1.RemovePodSandboxRequest;
import io.jcri.cri.v1.StopPodSandboxRequest;
import io.jcri.e2e.harness.Deadline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the daemon's JVM while RunPodSandbox calls are half-way (issue 13): after the restart no listed
 * sandbox is READY without an IP, and once every listed sandbox is removed nothing is left (netns mounts, pod
 * namespace dirs, pod files, CNI cache entries, IPAM leases).
 */
class CrashConsistencyE2eTest extends PodE2eBase {
    @Test
    void aKillDuringConcurrentRunPodSandboxLeavesNothingHalfMade() throws Exception {
        for (int round = 0; round < 2; round++) {
            crashRound(round);
        }
    }

    private void crashRound(int round) throws Exception {
        Path cniCache = fx.daemon.base().resolve("state/cni");
        int cachedBefore = count(cniCache);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<String>> calls = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                String name = "crash-" + round + "-" + i;
                calls.add(pool.submit(() -> c.runPod(fx.pod(name).build())));
            }
            // the first CNI ADD under way: some calls are now between namespaces, CNI and the record
            Deadline.await(Duration.ofSeconds(60), "a CNI ADD to start", () -> count(cniCache) > cachedBefore);
            long oldJvm = fx.daemon.daemonPid();
            fx.daemon.killDaemonJvm();
            for (Future<String> f : calls) {
                try {
                    f.get(60, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(StatusRuntimeException.class);
                }
            }
            Deadline.await(Duration.ofSeconds(60), "a new daemon JVM", () -> {
                try {
                    return fx.daemon.daemonPid() != oldJvm;
                } catch (AssertionError | UncheckedIOException e) {
                    return false;
                }
            });
            fx.daemon.awaitServing(Duration.ofSeconds(60));
        } finally {
            pool.shutdownNow();
        }

        List<PodSandbox> listed = c.rt().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList();
        for (PodSandbox p : listed) {
            if (p.getState() == PodSandboxState.SANDBOX_READY) {
                assertThat(c.podStatus(p.getId()).getNetwork().getIp()).as("READY sandbox " + p.getId() + " has an IP")
                        .isNotEmpty();
            }
        }
        for (PodSandbox p : listed) {
            c.rt().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(p.getId()).build());
            c.rt().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(p.getId()).build());
        }
        assertThat(files(cniCache)).as("CNI cache entries").isEmpty();
        assertThat(files(fx.daemon.base().resolve("state/runtime/pods"))).as("pod namespace dirs").isEmpty();
        assertThat(files(fx.daemon.base().resolve("root/cri/sandbox-files"))).as("pod files").isEmpty();
        assertThat(leases()).as("IPAM leases").isEmpty();
        assertThat(netnsMounts()).as("pinned namespaces").isEmpty();
        assertThat(veths()).as("veths on the pod bridge").isEmpty();
    }

    private static List<String> veths() throws Exception {
        Process p = new ProcessBuilder("ip", "-o", "link", "show", "master", fx.bridge).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(10, TimeUnit.SECONDS);
        return out.lines().filter(l -> l.contains("veth")).toList();
    }

    private static int count(Path dir) {
        return files(dir).size();
    }

    private static List<String> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** host-local keeps one file per leased IP (named by the IP) beside last_reserved_ip and a lock. */
    private static List<String> leases() throws IOException {
        Path ipam = fx.base.resolve("ipam");
        if (!Files.isDirectory(ipam)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(ipam)) {
            return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")).toList();
        }
    }

    private static List<String> netnsMounts() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .filter(l -> l.contains(fx.base.toString())).map(l -> l.split(" ")[4]).toList();
    }
}
