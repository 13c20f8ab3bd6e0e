package io.jcri.e2e.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.jcri.cri.v1.Capability;
import io.jcri.cri.v1.ContainerConfig;
import io.jcri.cri.v1.ContainerState;
import io.jcri.cri.v1.ContainerStatus;
import io.jcri.cri.v1.Device;
import io.jcri.cri.v1.ExecSyncResponse;
import io.jcri.cri.v1.HugepageLimit;
import io.jcri.cri.v1.Int64Value;
import io.jcri.cri.v1.LinuxContainerConfig;
import io.jcri.cri.v1.LinuxContainerResources;
import io.jcri.cri.v1.LinuxContainerSecurityContext;
import io.jcri.cri.v1.NamespaceMode;
import io.jcri.cri.v1.NamespaceOption;
import io.jcri.cri.v1.PodSandboxConfig;
import io.jcri.cri.v1.SecurityProfile;
import io.jcri.cri.v1.StopContainerRequest;
import io.jcri.e2e.harness.Deadline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Items 3, 4, 5, 10 (stop timeout 0) and 11 of issue 12, seen from inside the container or from the host: the
 * seccomp mode the kernel reports, what a Localhost profile denies, device nodes and the device cgroup as the kernel
 * lists it, hugepage limits on a host without a hugetlb controller, refused requests' codes, the exit code of an
 * immediate stop. Expected values follow containerd 1.6's CRI plugin source (no differential harness here).
 */
class ContainerConfigE2eTest extends PodE2eBase {
    private static PodSandboxConfig podConfig;
    private static String podId;
    private static Path profile;

    @BeforeAll
    static void pod() throws IOException {
        podConfig = fx.pod("config").build();
        podId = c.runPod(podConfig);
        profile = base.resolve("deny-hostname-chmod.json");
        Files.writeString(profile, """
                {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
                  {"names": ["sethostname", "chmod", "fchmodat", "fchmodat2"], "action": "SCMP_ACT_ERRNO"}]}
                """);
    }

    @AfterAll
    static void removePod() {
        if (podId != null) {
            c.cleanup(podId);
        }
    }

    private static ContainerConfig.Builder sleeper(String name, LinuxContainerSecurityContext.Builder sc) {
        return fx.container(name, "sleep", "3600")
                .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(sc));
    }

    private static String seccompMode(String ctr) {
        return c.exec(ctr, "sh", "-c", "grep '^Seccomp:' /proc/self/status").getStdout().toStringUtf8().trim();
    }

    private static StatusRuntimeException refused(ContainerConfig.Builder config) {
        return catchThrowableOfType(() -> c.create(podId, podConfig, config), StatusRuntimeException.class);
    }

    // ---- item 4: seccomp ----------------------------------------------------------------------------------

    @Test
    void noSeccompFieldMeansUnconfined() {
        String ctr = c.run(podId, podConfig, sleeper("noseccomp", LinuxContainerSecurityContext.newBuilder()));
        assertThat(seccompMode(ctr)).isEqualTo("Seccomp:\t0");
        assertThat(c.exec(ctr, "sh", "-c", "grep '^Seccomp:' /proc/1/status").getStdout().toStringUtf8().trim())
                .isEqualTo("Seccomp:\t0");
    }

    @Test
    void deprecatedProfilePathAsContainerd16ReadsIt() {
        for (String path : List.of("runtime/default", "docker/default", "unconfined")) {
            String ctr = c.run(podId, podConfig, sleeper("path-" + path.replace('/', '-'),
                    LinuxContainerSecurityContext.newBuilder().setSeccompProfilePath(path)));
            assertThat(seccompMode(ctr)).as(path).isEqualTo(path.equals("unconfined") ? "Seccomp:\t0" : "Seccomp:\t2");
        }
        StatusRuntimeException bad = refused(sleeper("path-bad",
                LinuxContainerSecurityContext.newBuilder().setSeccompProfilePath("strict")));
        assertThat(bad.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(bad.getStatus().getDescription()).contains("seccomp_profile_path").contains("\"strict\"");
        // parsed before privileged drops the profile, as containerd does
        StatusRuntimeException badPrivileged = refused(sleeper("path-bad-priv",
                LinuxContainerSecurityContext.newBuilder().setPrivileged(true).setSeccompProfilePath("strict")));
        assertThat(badPrivileged.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void localhostProfileDeniesSethostnameDespiteSysAdminAndChmodInExecToo() {
        LinuxContainerSecurityContext.Builder viaPath = LinuxContainerSecurityContext.newBuilder()
                .setCapabilities(Capability.newBuilder().addAddCapabilities("SYS_ADMIN"))
                .setSeccompProfilePath("localhost/" + profile);
        LinuxContainerSecurityContext.Builder viaField = LinuxContainerSecurityContext.newBuilder()
                .setCapabilities(Capability.newBuilder().addAddCapabilities("SYS_ADMIN"))
                .setSeccomp(SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.Localhost)
                        .setLocalhostRef(profile.toString()));
        int n = 0;
        for (LinuxContainerSecurityContext.Builder sc : List.of(viaPath, viaField)) {
            String ctr = c.run(podId, podConfig, fx.container("localhost" + n++, "sh", "-c",
                    "hostname NEW 2>/tmp/err; echo rc=$? >/tmp/hostname; touch /tmp/f; chmod 600 /tmp/f; "
                            + "echo rc=$? >/tmp/chmod; exec sleep 3600")
                    .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(sc)));
            Deadline.await(Duration.ofSeconds(10), "the command ran in " + ctr,
                    () -> c.exec(ctr, "cat", "/tmp/chmod").getExitCode() == 0);
            assertThat(seccompMode(ctr)).isEqualTo("Seccomp:\t2");
            assertThat(c.exec(ctr, "sh", "-c", "grep '^CapEff:' /proc/1/status").getStdout().toStringUtf8())
                    .matches("(?s)CapEff:\\s+[0-9a-f]*[2367abef][0-9a-f]{5}\\s*"); // bit 21, CAP_SYS_ADMIN
            assertThat(c.exec(ctr, "cat", "/tmp/hostname").getStdout().toStringUtf8()).isEqualTo("rc=1\n");
            assertThat(c.exec(ctr, "cat", "/tmp/chmod").getStdout().toStringUtf8()).isEqualTo("rc=1\n");
            assertThat(c.exec(ctr, "busybox", "hostname").getStdout().toStringUtf8().trim()).isEqualTo("config");
            // exec'd processes get the container's filter
            ExecSyncResponse execHostname = c.exec(ctr, "busybox", "hostname", "NEW");
            assertThat(execHostname.getExitCode()).isNotZero();
            assertThat(execHostname.getStderr().toStringUtf8()).contains("not permitted");
            assertThat(c.exec(ctr, "busybox", "chmod", "600", "/tmp/f").getExitCode()).isNotZero();
            assertThat(c.exec(ctr, "busybox", "stat", "-c", "%a", "/tmp/f").getStdout().toStringUtf8().trim())
                    .isNotEqualTo("600");
        }
    }

    @Test
    void privilegedContainerIgnoresTheProfile() {
        String ctr = c.run(podId, podConfig, sleeper("privileged-profile", LinuxContainerSecurityContext.newBuilder()
                .setPrivileged(true).setSeccompProfilePath("localhost/" + profile)));
        assertThat(seccompMode(ctr)).isEqualTo("Seccomp:\t0");
        assertThat(c.exec(ctr, "sh", "-c", "touch /tmp/f && chmod 600 /tmp/f && stat -c %a /tmp/f")
                .getStdout().toStringUtf8().trim()).isEqualTo("600");
    }

    // ---- item 5: run_as_group ------------------------------------------------------------------------------

    @Test
    void runAsGroupWithoutUserIsRefused() {
        StatusRuntimeException e = refused(sleeper("group-only",
                LinuxContainerSecurityContext.newBuilder().setRunAsGroup(Int64Value.newBuilder().setValue(1000))));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("run_as_group").contains("run_as_user");
        // with a user it is fine
        String ctr = c.run(podId, podConfig, sleeper("group-and-user", LinuxContainerSecurityContext.newBuilder()
                .setRunAsUser(Int64Value.newBuilder().setValue(1000)).setRunAsGroup(Int64Value.newBuilder().setValue(1001))));
        assertThat(c.exec(ctr, "busybox", "id", "-g").getStdout().toStringUtf8().trim()).isEqualTo("1001");
    }

    // ---- item 3: hugepages ---------------------------------------------------------------------------------

    @Test
    void hugepageLimitsAsKubeletSendsThemDoNotStopAContainer() {
        LinuxContainerResources.Builder kubelet = LinuxContainerResources.newBuilder()
                .addHugepageLimits(HugepageLimit.newBuilder().setPageSize("2MB").setLimit(0))
                .addHugepageLimits(HugepageLimit.newBuilder().setPageSize("1GB").setLimit(0));
        String ctr = c.run(podId, podConfig, fx.container("hugepages", "sleep", "3600")
                .setLinux(LinuxContainerConfig.newBuilder().setResources(kubelet)));
        assertThat(c.status(ctr).getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);

        StatusRuntimeException bad = refused(fx.container("hugepages-bad", "sleep", "3600")
                .setLinux(LinuxContainerConfig.newBuilder().setResources(LinuxContainerResources.newBuilder()
                        .addHugepageLimits(HugepageLimit.newBuilder().setPageSize("../../x").setLimit(0)))));
        assertThat(bad.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(bad.getStatus().getDescription()).contains("page_size").contains("../../x");
    }

    // ---- item 11: devices ----------------------------------------------------------------------------------

    private static String cgroupDir(long pid, String controller) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            String[] f = line.split(":", 3);
            if (List.of(f[1].split(",")).contains(controller)) {
                return f[2];
            }
        }
        throw new AssertionError("no " + controller + " cgroup for " + pid);
    }

    @Test
    void devicesAreCreatedAllowedAndUsable() throws IOException {
        String ctr = c.run(podId, podConfig, fx.container("devices", "sleep", "3600")
                .addDevices(Device.newBuilder().setHostPath("/dev/null").setContainerPath("/dev/probe-null")
                        .setPermissions("rwm"))
                .addDevices(Device.newBuilder().setHostPath("/dev/loop-control").setContainerPath("/dev/probe-loop")
                        .setPermissions("r")));
        // type, major, minor (hex), mode and owner as the host node has them
        assertThat(c.exec(ctr, "busybox", "stat", "-c", "%F %t %T %a %u %g", "/dev/probe-null").getStdout().toStringUtf8().trim())
                .isEqualTo("character special file 1 3 666 0 0");
        assertThat(c.exec(ctr, "busybox", "stat", "-c", "%F %t %T %a %u %g", "/dev/probe-loop").getStdout().toStringUtf8().trim())
                .isEqualTo("character special file a ed 600 0 0");
        ExecSyncResponse write = c.exec(ctr, "sh", "-c", "echo x > /dev/probe-null && echo wrote");
        assertThat(write.getStdout().toStringUtf8()).isEqualTo("wrote\n");
        // "r" only: opening for reading passes the device cgroup, opening for writing does not
        assertThat(c.exec(ctr, "sh", "-c", "true < /dev/probe-loop && echo opened").getStdout().toStringUtf8())
                .isEqualTo("opened\n");
        ExecSyncResponse denied = c.exec(ctr, "sh", "-c", "echo x > /dev/probe-loop");
        assertThat(denied.getExitCode()).isNotZero();
        assertThat(denied.getStderr().toStringUtf8()).contains("not permitted");

        long pid = c.pid(ctr);
        Path v1 = Path.of("/sys/fs/cgroup/devices");
        if (Files.isDirectory(v1)) {
            List<String> list = Files.readAllLines(v1.resolve(cgroupDir(pid, "devices").substring(1))
                    .resolve("devices.list"));
            assertThat(list).contains("c 10:237 r", "c 1:3 rwm").doesNotContain("a *:* rwm");
        }
    }

    @Test
    void aDirectoryGivesEveryDeviceBelowIt() throws Exception {
        Path dir = Files.createDirectories(base.resolve("devdir/sub"));
        mknod(dir.getParent().resolve("a"), 1, 3);
        mknod(dir.resolve("b"), 1, 5);
        Files.writeString(dir.resolve("not-a-device"), "x");
        String ctr = c.run(podId, podConfig, fx.container("devdir", "sleep", "3600")
                .addDevices(Device.newBuilder().setHostPath(dir.getParent().toString())
                        .setContainerPath("/dev/probedir").setPermissions("rw")));
        assertThat(c.exec(ctr, "busybox", "stat", "-c", "%n %t %T", "/dev/probedir/a", "/dev/probedir/sub/b")
                .getStdout().toStringUtf8()).isEqualTo("/dev/probedir/a 1 3\n/dev/probedir/sub/b 1 5\n");
        assertThat(c.exec(ctr, "busybox", "ls", "/dev/probedir/sub/not-a-device").getExitCode()).isNotZero();
    }

    private static void mknod(Path p, int major, int minor) throws Exception {
        Process proc = new ProcessBuilder("mknod", "-m", "666", p.toString(), "c", Integer.toString(major),
                Integer.toString(minor)).redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes());
        assertThat(proc.waitFor(10, TimeUnit.SECONDS) && proc.exitValue() == 0).as("mknod " + p + ": " + out).isTrue();
    }

    @Test
    void aMissingHostDeviceIsRefusedAsContainerdRefusesIt() {
        StatusRuntimeException e = refused(fx.container("nodevice", "sleep", "3600")
                .addDevices(Device.newBuilder().setHostPath("/dev/jcri-no-such-device")
                        .setContainerPath("/dev/x").setPermissions("rw")));
        // containerd: a plain error from spec generation (UNKNOWN), "lstat ...: no such file or directory"; jcri
        // gives its words under the clear code for bad input (the differential suite matches the two)
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(e.getStatus().getDescription()).contains("/dev/jcri-no-such-device")
                .contains("no such file or directory").contains("host_path");
    }

    // ---- item 10: stop with timeout 0 ----------------------------------------------------------------------

    @Test
    void stopWithTimeoutZeroKillsAtOnce() {
        // not PID 1 of its namespace, so a SIGTERM would end it at once with 143: only SIGKILL gives 137
        String ctr = c.run(podId, podConfig, fx.container("stop0", "sleep", "3600")
                .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext
                        .newBuilder().setNamespaceOptions(NamespaceOption.newBuilder().setPid(NamespaceMode.NODE)))));
        long t0 = System.nanoTime();
        c.rt().stopContainer(StopContainerRequest.newBuilder().setContainerId(ctr).setTimeout(0).build());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        ContainerStatus st = c.status(ctr);
        assertThat(st.getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
        assertThat(st.getExitCode()).isEqualTo(137);
        assertThat(ms).isLessThan(5_000);
    }
}
