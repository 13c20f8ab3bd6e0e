package io.jcri.e2e.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.jcri.cri.v1.ContainerConfig;
import io.jcri.cri.v1.Mount;
import io.jcri.cri.v1.MountPropagation;
import io.jcri.cri.v1.PodSandboxConfig;
import io.jcri.cri.v1.RemoveContainerRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * CRI mount propagation (issue 12 item 7), seen in {@code /proc/self/mountinfo} on both sides and by real mounts
 * made on each side. The host's {@code /} is private here, so each test makes its source a shared bind mount of
 * itself, as kubelet's directories are on a systemd node, and removes every mount it made afterwards.
 */
class MountPropagationE2eTest extends PodE2eBase {
    private final Deque<Path> hostMounts = new ArrayDeque<>();

    @AfterEach
    void unmountWhatTheTestMounted() throws Exception {
        while (!hostMounts.isEmpty()) {
            // lazily: a dying container may still hold it; a mount the container was to make may be missing
            Process p = new ProcessBuilder("umount", "-l", hostMounts.pop().toString()).redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBidirectionalMountIsAPeerOfTheHostsMountSoMountsPropagateBothWays() throws Exception {
        Path dir = sharedDir("bidi");
        String hostGroup = field(hostLine(dir), "shared:");
        PodSandboxConfig podConfig = privileged(fx.pod("bidi")).build();
        String podId = c.runPod(podConfig);
        try {
            String ctr = c.run(podId, podConfig, privileged(fx.container("b", "sleep", "3600"))
                    .addMounts(mount("/mnt/bidi", dir, MountPropagation.PROPAGATION_BIDIRECTIONAL)));
            assertThat(containerLine(ctr, "/mnt/bidi")).contains(" " + hostGroup + " ").doesNotContain("master:");

            // host -> container
            mountTmpfs(dir.resolve("fromhost"));
            Files.writeString(dir.resolve("fromhost/f"), "from the host");
            assertThat(out(ctr, "cat", "/mnt/bidi/fromhost/f")).isEqualTo("from the host");

            // container -> host
            Files.createDirectories(dir.resolve("fromctr"));
            hostMounts.push(dir.resolve("fromctr")); // made inside; the host must unmount it
            assertThat(out(ctr, "sh", "-c", "busybox mount -t tmpfs tmpfs /mnt/bidi/fromctr && echo in > /mnt/bidi/fromctr/g"
                    + " && echo ok")).isEqualTo("ok\n");
            assertThat(hostLine(dir.resolve("fromctr"))).contains(" tmpfs ");
            assertThat(Files.readString(dir.resolve("fromctr/g"))).isEqualTo("in\n");
        } finally {
            c.cleanup(podId);
        }
    }

    @Test
    void aHostToContainerMountIsASlaveOfTheHostsMount() throws Exception {
        Path dir = sharedDir("h2c");
        String hostGroup = field(hostLine(dir), "shared:").replace("shared:", "master:");
        PodSandboxConfig podConfig = privileged(fx.pod("h2c")).build();
        String podId = c.runPod(podConfig);
        try {
            String ctr = c.run(podId, podConfig, privileged(fx.container("h", "sleep", "3600"))
                    .addMounts(mount("/mnt/h2c", dir, MountPropagation.PROPAGATION_HOST_TO_CONTAINER)));
            assertThat(containerLine(ctr, "/mnt/h2c")).contains(" " + hostGroup + " ").doesNotContain("shared:");

            mountTmpfs(dir.resolve("fromhost"));
            Files.writeString(dir.resolve("fromhost/f"), "from the host");
            assertThat(out(ctr, "cat", "/mnt/h2c/fromhost/f")).isEqualTo("from the host");

            Files.createDirectories(dir.resolve("fromctr"));
            assertThat(out(ctr, "sh", "-c", "busybox mount -t tmpfs tmpfs /mnt/h2c/fromctr && echo in > /mnt/h2c/fromctr/g"
                    + " && echo ok")).isEqualTo("ok\n");
            assertThat(Files.exists(dir.resolve("fromctr/g"))).isFalse();
            assertThat(hostLine(dir.resolve("fromctr"))).doesNotContain(" tmpfs ");
        } finally {
            c.cleanup(podId);
        }
    }

    @Test
    void aPrivateMountPropagatesNothing() throws Exception {
        Path dir = sharedDir("private");
        PodSandboxConfig podConfig = privileged(fx.pod("private")).build();
        String podId = c.runPod(podConfig);
        try {
            String ctr = c.run(podId, podConfig, privileged(fx.container("p", "sleep", "3600"))
                    .addMounts(mount("/mnt/p", dir, MountPropagation.PROPAGATION_PRIVATE)));
            String line = containerLine(ctr, "/mnt/p");
            assertThat(line).doesNotContain("shared:").doesNotContain("master:");

            mountTmpfs(dir.resolve("fromhost"));
            Files.writeString(dir.resolve("fromhost/f"), "from the host");
            assertThat(c.exec(ctr, "cat", "/mnt/p/fromhost/f").getExitCode()).isNotZero();

            Files.createDirectories(dir.resolve("fromctr"));
            assertThat(out(ctr, "sh", "-c", "busybox mount -t tmpfs tmpfs /mnt/p/fromctr && echo in > /mnt/p/fromctr/g"
                    + " && echo ok")).isEqualTo("ok\n");
            assertThat(Files.exists(dir.resolve("fromctr/g"))).isFalse();
        } finally {
            c.cleanup(podId);
        }
    }

    @Test
    void aSourceWhoseMountCannotPropagateIsRefusedAsContainerdRefusesIt() throws Exception {
        Path plain = Files.createDirectories(base.resolve("plain-source")); // on the host's private /
        Path shared = sharedDir("slave-origin");
        Path slave = Files.createDirectories(base.resolve("slave-source"));
        host("mount", "--bind", shared.toString(), slave.toString());
        hostMounts.push(slave);
        host("mount", "--make-slave", slave.toString());
        assertThat(hostLine(slave)).contains(" master:").doesNotContain("shared:");

        PodSandboxConfig podConfig = privileged(fx.pod("refused")).build();
        String podId = c.runPod(podConfig);
        try {
            assertRefused(podId, podConfig, plain, MountPropagation.PROPAGATION_BIDIRECTIONAL,
                    "path \"" + plain + "\" is mounted on \"/\" but it is not a shared mount");
            assertRefused(podId, podConfig, plain, MountPropagation.PROPAGATION_HOST_TO_CONTAINER,
                    "path \"" + plain + "\" is mounted on \"/\" but it is not a shared or slave mount");
            assertRefused(podId, podConfig, slave, MountPropagation.PROPAGATION_BIDIRECTIONAL,
                    "is mounted on \"" + slave + "\" but it is not a shared mount");
            // a slave mount is enough to receive the host's mounts
            String ok = c.create(podId, podConfig, privileged(fx.container("s", "true"))
                    .addMounts(mount("/mnt/s", slave, MountPropagation.PROPAGATION_HOST_TO_CONTAINER)));
            c.rt().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(ok).build());
        } finally {
            c.cleanup(podId);
        }
    }

    private void assertRefused(String podId, PodSandboxConfig podConfig, Path source, MountPropagation propagation,
                               String text) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> c.create(podId, podConfig,
                privileged(fx.container("r-" + propagation.getNumber(), "true"))
                        .addMounts(mount("/mnt/r", source, propagation))));
        assertThat(e).as(propagation + " of " + source + " was accepted").isNotNull();
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(e.getStatus().getDescription()).contains(text).contains(propagation.name());
    }

    /** A directory made a shared mount of itself ({@code mount --bind d d; mount --make-shared d}). */
    private Path sharedDir(String name) throws Exception {
        Path dir = Files.createDirectories(base.resolve("prop-" + name));
        host("mount", "--bind", dir.toString(), dir.toString());
        hostMounts.push(dir);
        host("mount", "--make-shared", dir.toString());
        assertThat(hostLine(dir)).contains(" shared:");
        return dir;
    }

    private void mountTmpfs(Path at) throws Exception {
        Files.createDirectories(at);
        host("mount", "-t", "tmpfs", "tmpfs", at.toString());
        hostMounts.push(at);
    }

    private String out(String ctr, String... cmd) {
        var r = c.exec(ctr, cmd);
        assertThat(r.getExitCode()).as(String.join(" ", cmd) + ": " + r.getStderr().toStringUtf8()).isZero();
        return r.getStdout().toStringUtf8();
    }

    /** The container's mountinfo line for {@code mountPoint} (the topmost one). */
    private String containerLine(String ctr, String mountPoint) {
        List<String> lines = out(ctr, "cat", "/proc/self/mountinfo").lines()
                .filter(l -> l.split(" ")[4].equals(mountPoint)).toList();
        assertThat(lines).as("mountinfo of " + mountPoint).isNotEmpty();
        return lines.get(lines.size() - 1);
    }

    /** The host's mountinfo line of the mount that holds {@code path} (longest mount point, last mounted). */
    private static String hostLine(Path path) throws IOException {
        String best = null;
        int bestLen = -1;
        for (String l : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String mp = l.split(" ")[4];
            if (path.startsWith(Path.of(mp)) && mp.length() >= bestLen) {
                best = l;
                bestLen = mp.length();
            }
        }
        return best;
    }

    /** The optional mountinfo field starting with {@code prefix}, e.g. {@code shared:12}. */
    private static String field(String line, String prefix) {
        return Arrays.stream(line.split(" ")).filter(f -> f.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + prefix + " in " + line));
    }

    private static Mount mount(String containerPath, Path host, MountPropagation propagation) {
        return Mount.newBuilder().setContainerPath(containerPath).setHostPath(host.toString())
                .setPropagation(propagation).build();
    }

    private static PodSandboxConfig.Builder privileged(PodSandboxConfig.Builder b) {
        b.getLinuxBuilder().getSecurityContextBuilder().setPrivileged(true);
        return b;
    }

    private static ContainerConfig.Builder privileged(ContainerConfig.Builder b) {
        b.getLinuxBuilder().getSecurityContextBuilder().setPrivileged(true);
        return b;
    }

    private static void host(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(Arrays.stream(cmd).collect(Collectors.joining(" ")) + " failed: " + output);
        }
    }
}
