package io.jcri.e2e.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.jcri.cri.v1.ContainerState;
import io.jcri.cri.v1.NamespaceMode;
import io.jcri.cri.v1.PodSandboxConfig;
import io.jcri.cri.v1.StopContainerRequest;
import io.jcri.cri.v1.StopPodSandboxRequest;
import io.jcri.e2e.harness.Deadline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * shareProcessNamespace through CRI: the pod's PID 1 is jcri's pod init, so the first container may end without
 * taking the pod down, and StopPodSandbox ends the init with everything left in the namespace.
 */
class SharedPidPodE2eTest extends PodE2eBase {
    @Test
    void aSharedPidPodOutlivesItsFirstContainer() throws Exception {
        PodSandboxConfig.Builder builder = fx.pod("sharedpid");
        builder.getLinuxBuilder().getSecurityContextBuilder().getNamespaceOptionsBuilder().setPid(NamespaceMode.POD);
        PodSandboxConfig podConfig = builder.build();
        String podId = c.runPod(podConfig);
        try {
            String first = c.run(podId, podConfig, fx.container("first", "sleep", "3600"));
            String second = c.run(podId, podConfig, fx.container("second", "sleep", "3600"));
            assertThat(c.exec(second, "cat", "/proc/1/comm").getStdout().toStringUtf8()).isEqualTo("jcri-pod-init\n");
            String pidNs = Files.readSymbolicLink(Path.of("/proc/" + c.pid(second) + "/ns/pid")).toString();
            assertThat(Files.readSymbolicLink(Path.of("/proc/" + c.pid(first) + "/ns/pid")).toString())
                    .isEqualTo(pidNs);
            List<Long> inits = initsIn(pidNs);
            assertThat(inits).hasSize(1);
            long init = inits.get(0);

            c.rt().stopContainer(StopContainerRequest.newBuilder().setContainerId(first).setTimeout(0).build());
            assertThat(c.status(first).getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
            assertThat(c.status(second).getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
            assertThat(c.exec(second, "sh", "-c", "echo alive").getStdout().toStringUtf8()).isEqualTo("alive\n");
            String third = c.run(podId, podConfig, fx.container("third", "sleep", "3600"));
            assertThat(c.status(third).getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);

            c.rt().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
            assertThat(Files.exists(Path.of("/proc/" + init))).as("the pod init is gone").isFalse();
            Deadline.await(Duration.ofSeconds(20), "the containers to be exited",
                    () -> c.status(second).getState() == ContainerState.CONTAINER_EXITED
                            && c.status(third).getState() == ContainerState.CONTAINER_EXITED);
        } finally {
            c.cleanup(podId);
        }
    }

    /** Host pids of the jcri-pod-init processes in the PID namespace {@code ns}. */
    private static List<Long> initsIn(String ns) throws IOException {
        List<Long> found = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            for (Path p : s.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                try {
                    if (Files.readString(p.resolve("comm")).equals("jcri-pod-init\n")
                            && Files.readSymbolicLink(p.resolve("ns/pid")).toString().equals(ns)) {
                        found.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException e) {
                    // gone meanwhile
                }
            }
        }
        return found;
    }
}
