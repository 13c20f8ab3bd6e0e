package io.jcri.e2e.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.jcri.cri.v1.ContainerConfig;
import io.jcri.cri.v1.ContainerFilter;
import io.jcri.cri.v1.ContainerStateValue;
import io.jcri.cri.v1.CreateContainerRequest;
import io.jcri.cri.v1.ExecSyncRequest;
import io.jcri.cri.v1.ImageSpec;
import io.jcri.cri.v1.KeyValue;
import io.jcri.cri.v1.LinuxContainerConfig;
import io.jcri.cri.v1.LinuxContainerResources;
import io.jcri.cri.v1.LinuxContainerSecurityContext;
import io.jcri.cri.v1.ListContainersRequest;
import io.jcri.cri.v1.ListPodSandboxRequest;
import io.jcri.cri.v1.Mount;
import io.jcri.cri.v1.NamespaceMode;
import io.jcri.cri.v1.NamespaceOption;
import io.jcri.cri.v1.PodSandboxConfig;
import io.jcri.cri.v1.PortMapping;
import io.jcri.cri.v1.PullImageRequest;
import io.jcri.cri.v1.RunPodSandboxRequest;
import io.jcri.cri.v1.RemoveContainerRequest;
import io.jcri.cri.v1.StopContainerRequest;
import io.jcri.cri.v1.UpdateContainerResourcesRequest;
import io.jcri.e2e.harness.Deadline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile and broken input (issue 13) against the real daemon: every input gets the exact gRPC code, a message
 * that names no Java class and stays under 1 KiB, and leaves the state as it was (List answers, the files of
 * jcri's root and state dirs, the CNI cache, the IPAM leases, netns mounts).
 */
class HostileInputE2eTest extends PodE2eBase {
    private static final Pattern JAVA_CLASS = Pattern.compile(
            "\\b(?:[a-z_$][\\w$]*\\.)*[A-Z][\\w$]*(?:Exception|Error)\\b|\\bjava\\.|Nul character not allowed");
    private static final String MIB = "x".repeat(1024 * 1024);
    private static final long TWO_40 = 1L << 40;

    private static int inputs;
    private static int internal;
    private static final List<String> leaks = new ArrayList<>();

    private static String podId;
    private static PodSandboxConfig podConfig;
    private static String runningId;

    @BeforeAll
    static void pod() {
        podConfig = fx.pod("hostile").build();
        podId = c.runPod(podConfig);
        runningId = c.run(podId, podConfig, fx.container("runner", "sh", "-c",
                "trap 'exit 0' TERM; while true; do sleep 0.2; done"));
    }

    @AfterAll
    static void removePod() {
        if (podId != null) {
            c.rt().stopPodSandbox(io.jcri.cri.v1.StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
            c.rt().removePodSandbox(io.jcri.cri.v1.RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId)
                    .build());
        }
        System.out.println("hostile input: " + inputs + " inputs, " + (inputs - internal) + " clear errors, "
                + internal + " INTERNAL/UNKNOWN answers, " + leaks.size() + " leaks " + leaks);
    }

    // ---- RunPodSandbox ----

    @Test
    void runPodSandboxRefusesOversizedAndNulNamesLeavingNothing() {
        String name = "big";
        refusedPod(Status.Code.INVALID_ARGUMENT, fx.pod(name).setMetadata(meta(name).setName(MIB)));
        refusedPod(Status.Code.INVALID_ARGUMENT, fx.pod(name).setMetadata(meta(name).setUid(MIB)));
        refusedPod(Status.Code.INVALID_ARGUMENT, fx.pod(name).setMetadata(meta(name).setNamespace(MIB)));
        refusedPod(Status.Code.INVALID_ARGUMENT, fx.pod(name).setMetadata(meta(name).setName("a\0b")));
        refusedPod(Status.Code.INVALID_ARGUMENT, fx.pod(name).setMetadata(meta(name).setUid("u\0id")));
        refusedPod(Status.Code.INVALID_ARGUMENT, fx.pod(name).putLabels(MIB, "v"));
        refusedPod(Status.Code.INVALID_ARGUMENT, fx.pod(name).putAnnotations("a", MIB));
        refusedPod(Status.Code.INVALID_ARGUMENT, fx.pod(name).putLabels("k\0", "v"));
    }

    @Test
    void runPodSandboxRefusesBadCgroupParentLogDirectoryPortsIds() {
        String n = "bad";
        refusedPod(Status.Code.INVALID_ARGUMENT, withCgroupParent(fx.pod(n), "/kubepods/../../escape"));
        refusedPod(Status.Code.INVALID_ARGUMENT, withCgroupParent(fx.pod(n), "/kubepods/a\0b"));
        refusedPod(Status.Code.INVALID_ARGUMENT, withCgroupParent(fx.pod(n), "/" + MIB));
        refusedPod(Status.Code.INVALID_ARGUMENT, fx.pod(n).setLogDirectory("relative/logs"));
        refusedPod(Status.Code.INVALID_ARGUMENT, fx.pod(n).addPortMappings(PortMapping.newBuilder()
                .setHostPort(99999).setContainerPort(80)));
        refusedPod(Status.Code.INVALID_ARGUMENT, fx.pod(n).addPortMappings(PortMapping.newBuilder()
                .setHostPort(8080).setContainerPort(80).setProtocolValue(99)));
        PodSandboxConfig.Builder uid = fx.pod(n);
        uid.getLinuxBuilder().getSecurityContextBuilder().setRunAsUser(id(TWO_40));
        refusedPod(Status.Code.INVALID_ARGUMENT, uid);
        PodSandboxConfig.Builder groups = fx.pod(n);
        groups.getLinuxBuilder().getSecurityContextBuilder().addSupplementalGroups(-1);
        refusedPod(Status.Code.INVALID_ARGUMENT, groups);
    }

    @Test
    void runPodSandboxRefusesUnknownNamespaceModes() {
        for (int field = 0; field < 3; field++) {
            PodSandboxConfig.Builder b = fx.pod("ns");
            NamespaceOption.Builder ns = b.getLinuxBuilder().getSecurityContextBuilder().getNamespaceOptionsBuilder();
            switch (field) {
                case 0 -> ns.setNetworkValue(99);
                case 1 -> ns.setPidValue(99);
                default -> ns.setIpcValue(99);
            }
            String message = refusedPod(Status.Code.INVALID_ARGUMENT, b);
            assertThat(message).contains("namespace_options");
        }
    }

    // ---- CreateContainer ----

    @Test
    void unknownStopSignalIsRefusedAndListingKeepsWorking() {
        ContainerConfig.Builder b = fx.container("sig", "true");
        b.setStopSignalValue(99);
        String message = refusedContainer(Status.Code.INVALID_ARGUMENT, b);
        assertThat(message).contains("stop_signal");
        assertThat(c.rt().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList())
                .extracting(x -> x.getId()).contains(runningId);
    }

    @Test
    void createContainerRefusesIdsOutsideTheKernelsRange() {
        for (long uid : new long[] {TWO_40, -1, (1L << 32) + 1000, (1L << 32) - 1}) {
            ContainerConfig.Builder b = fx.container("uid", "id", "-u");
            b.getLinuxBuilder().getSecurityContextBuilder().setRunAsUser(id(uid));
            assertThat(refusedContainer(Status.Code.INVALID_ARGUMENT, b)).contains("run_as_user");
        }
        ContainerConfig.Builder group = fx.container("gid", "id");
        group.getLinuxBuilder().getSecurityContextBuilder().setRunAsUser(id(1000))
                .setRunAsGroup(id(TWO_40));
        assertThat(refusedContainer(Status.Code.INVALID_ARGUMENT, group)).contains("run_as_group");
        ContainerConfig.Builder groups = fx.container("groups", "id");
        groups.getLinuxBuilder().getSecurityContextBuilder().addSupplementalGroups(-1);
        assertThat(refusedContainer(Status.Code.INVALID_ARGUMENT, groups)).contains("supplemental_groups");
    }

    @Test
    void createContainerRefusesBadResources() {
        refusedContainer(Status.Code.INVALID_ARGUMENT, withResources(r -> r.setCpuQuota(1L << 62)));
        refusedContainer(Status.Code.INVALID_ARGUMENT, withResources(r -> r.setCpuPeriod(1)));
        refusedContainer(Status.Code.INVALID_ARGUMENT, withResources(r -> r.setCpuPeriod(TWO_40)));
        refusedContainer(Status.Code.INVALID_ARGUMENT, withResources(r -> r.setCpusetCpus("999")));
        refusedContainer(Status.Code.INVALID_ARGUMENT, withResources(r -> r.setCpusetCpus("garbage")));
    }

    @Test
    void createContainerRefusesOversizedCommandLinesAndNul() {
        refusedContainer(Status.Code.INVALID_ARGUMENT, fx.container("arg", "echo", "y".repeat(200 * 1024)));
        ContainerConfig.Builder env = fx.container("env", "true");
        for (int i = 0; i < 30; i++) {
            env.addEnvs(KeyValue.newBuilder().setKey("V" + i).setValue("z".repeat(100 * 1024)));
        }
        refusedContainer(Status.Code.INVALID_ARGUMENT, env);
        refusedContainer(Status.Code.INVALID_ARGUMENT, fx.container("nul", "echo", "a\0b"));
        refusedContainer(Status.Code.INVALID_ARGUMENT, fx.container("envnul", "true")
                .addEnvs(KeyValue.newBuilder().setKey("K").setValue("v\0")));
        refusedContainer(Status.Code.INVALID_ARGUMENT, fx.container(MIB, "true"));
    }

    @Test
    void createContainerRefusesBadMountsAndLogPaths() throws IOException {
        Path link = Files.createDirectories(fx.base.resolve("links")).resolve("to-root");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, fx.daemon.base().resolve("root"));
        refusedContainer(Status.Code.PERMISSION_DENIED, fx.container("link", "ls", "/x")
                .addMounts(Mount.newBuilder().setHostPath(link.toString()).setContainerPath("/x")));
        refusedContainer(Status.Code.INVALID_ARGUMENT, fx.container("prop", "true")
                .addMounts(Mount.newBuilder().setHostPath("/tmp").setContainerPath("/x").setPropagationValue(99)));
        refusedContainer(Status.Code.INVALID_ARGUMENT, fx.container("climb", "true").setLogPath("../../../etc/x"));
        refusedContainer(Status.Code.INVALID_ARGUMENT, fx.container("abs", "true").setLogPath("/etc/x.log"));
    }

    @Test
    void createContainerRefusesUnknownPidTarget() {
        ContainerConfig.Builder b = fx.container("target", "true");
        b.getLinuxBuilder().getSecurityContextBuilder().setNamespaceOptions(NamespaceOption.newBuilder()
                .setPid(NamespaceMode.TARGET).setTargetId("0123456789abcdef"));
        refusedContainer(Status.Code.NOT_FOUND, b);
        ContainerConfig.Builder unknown = fx.container("pid99", "true");
        unknown.getLinuxBuilder().getSecurityContextBuilder().setNamespaceOptions(NamespaceOption.newBuilder()
                .setPidValue(99));
        refusedContainer(Status.Code.INVALID_ARGUMENT, unknown);
    }

    /** CreateContainer checked the target; at StartContainer it has exited, then is gone: sentences, not INTERNAL. */
    @Test
    void aPidTargetThatEndedOrWentAwayBeforeTheStartIsRefused() {
        String target = c.run(podId, podConfig, fx.container("tgt", "sleep", "1000"));
        ContainerConfig.Builder b = fx.container("joiner", "sleep", "1000");
        b.getLinuxBuilder().getSecurityContextBuilder().setNamespaceOptions(NamespaceOption.newBuilder()
                .setPid(NamespaceMode.TARGET).setTargetId(target));
        String joiner = c.create(podId, podConfig, b);
        c.rt().stopContainer(StopContainerRequest.newBuilder().setContainerId(target).setTimeout(0).build());
        assertThat(refused(Status.Code.FAILED_PRECONDITION, () -> c.start(joiner))).contains("not running");
        c.rt().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(target).build());
        assertThat(refused(Status.Code.NOT_FOUND, () -> c.start(joiner))).contains("no longer exists");
        c.rt().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(joiner).build());
    }

    // ---- running-container RPCs ----

    @Test
    void hugeTimeoutsAreClamped() {
        assertThat(c.rt().execSync(ExecSyncRequest.newBuilder().setContainerId(runningId).addCmd("true")
                .setTimeout(1L << 62).build()).getExitCode()).isZero();
        String id = c.run(podId, podConfig, fx.container("stopper", "sh", "-c",
                "trap 'exit 0' TERM; while true; do sleep 0.2; done"));
        c.rt().stopContainer(StopContainerRequest.newBuilder().setContainerId(id).setTimeout(1L << 62).build());
        assertThat(c.status(id).getState().name()).isEqualTo("CONTAINER_EXITED");
    }

    /**
     * Refused at CreateContainer (issue 13: at the first RPC that can know); containerd 1.6 creates the container
     * and fails its start with UNKNOWN. A command that exists but cannot run still fails at the start.
     */
    @Test
    void aCommandMissingFromTheImageIsRefusedAtCreateWithASentence() {
        String message = refusedContainer(Status.Code.FAILED_PRECONDITION, fx.container("missing",
                "/no/such/program"));
        assertThat(message).contains("/no/such/program").contains("does not exist").contains("config.command");
        assertThat(refusedContainer(Status.Code.FAILED_PRECONDITION, fx.container("missing2", "nosuchprogram")))
                .contains("nosuchprogram");
        // busybox's /bin/sh is a symlink, followed inside the image
        assertThat(refusedContainer(Status.Code.FAILED_PRECONDITION, fx.container("missing3", "/bin/sh/x")))
                .contains("/bin/sh/x");
        String notExecutable = c.create(podId, podConfig, fx.container("noexec", "/etc/passwd"));
        assertThat(refused(Status.Code.FAILED_PRECONDITION, () -> c.start(notExecutable)))
                .contains("/etc/passwd").contains("not executable");
        refused(Status.Code.FAILED_PRECONDITION, () -> c.rt().execSync(ExecSyncRequest.newBuilder()
                .setContainerId(runningId).addCmd("/no/such/program").setTimeout(5).build()));
    }

    /** Exec, Attach and PortForward check their request before a URL is handed out. */
    @Test
    void streamingRpcsRefuseBadInputWithClearCodes() {
        refused(Status.Code.NOT_FOUND, () -> c.rt().exec(io.jcri.cri.v1.ExecRequest.newBuilder()
                .setContainerId("0123456789abcdef").addCmd("sh").setStdout(true).build()));
        refused(Status.Code.INVALID_ARGUMENT, () -> c.rt().exec(io.jcri.cri.v1.ExecRequest.newBuilder()
                .setContainerId(runningId).setStdout(true).build()));
        assertThat(refused(Status.Code.INVALID_ARGUMENT, () -> c.rt().exec(io.jcri.cri.v1.ExecRequest.newBuilder()
                .setContainerId(runningId).addCmd("sh").setTty(true).setStderr(true).build())))
                .contains("tty").contains("stderr");
        refused(Status.Code.NOT_FOUND, () -> c.rt().attach(io.jcri.cri.v1.AttachRequest.newBuilder()
                .setContainerId("0123456789abcdef").setStdout(true).build()));
        refused(Status.Code.INVALID_ARGUMENT, () -> c.rt().attach(io.jcri.cri.v1.AttachRequest.newBuilder()
                .setContainerId(runningId).setTty(true).setStdout(true).setStderr(true).build()));
        refused(Status.Code.NOT_FOUND, () -> c.rt().portForward(io.jcri.cri.v1.PortForwardRequest.newBuilder()
                .setPodSandboxId("0123456789abcdef").addPort(80).build()));
        for (int port : new int[] {0, -1, 70000}) {
            assertThat(refused(Status.Code.INVALID_ARGUMENT, () -> c.rt().portForward(io.jcri.cri.v1
                    .PortForwardRequest.newBuilder().setPodSandboxId(podId).addPort(port).build())))
                    .contains(String.valueOf(port));
        }
    }

    @Test
    void execSyncRefusesNulAndOversizedCommands() {
        refused(Status.Code.INVALID_ARGUMENT, () -> c.rt().execSync(ExecSyncRequest.newBuilder()
                .setContainerId(runningId).addCmd("echo").addCmd("a\0b").setTimeout(5).build()));
        refused(Status.Code.INVALID_ARGUMENT, () -> c.rt().execSync(ExecSyncRequest.newBuilder()
                .setContainerId(runningId).addCmd("echo").addCmd("y".repeat(200 * 1024)).setTimeout(5).build()));
        refused(Status.Code.INVALID_ARGUMENT, () -> c.rt().execSync(ExecSyncRequest.newBuilder()
                .setContainerId(runningId).addCmd("true").setTimeout(-1).build()));
    }

    @Test
    void updateContainerResourcesRefusesBadValuesWithASentence() {
        refused(Status.Code.INVALID_ARGUMENT, () -> update(LinuxContainerResources.newBuilder().setCpuQuota(1L << 62)));
        refused(Status.Code.INVALID_ARGUMENT, () -> update(LinuxContainerResources.newBuilder().setCpuPeriod(1)));
        refused(Status.Code.INVALID_ARGUMENT, () -> update(LinuxContainerResources.newBuilder()
                .setCpusetCpus("garbage")));
        refused(Status.Code.INVALID_ARGUMENT, () -> update(LinuxContainerResources.newBuilder().setCpusetCpus("999")));
        String message = refused(Status.Code.FAILED_PRECONDITION, () -> update(LinuxContainerResources.newBuilder()
                .setMemoryLimitInBytes(4096)));
        assertThat(message).contains("memory_limit_in_bytes").doesNotContain("errno");
    }

    @Test
    void listContainersRefusesAnUnknownStateFilter() {
        refused(Status.Code.INVALID_ARGUMENT, () -> c.rt().listContainers(ListContainersRequest.newBuilder()
                .setFilter(ContainerFilter.newBuilder().setState(ContainerStateValue.newBuilder().setStateValue(99)))
                .build()));
    }

    @Test
    void pullImageRefusesAPortOutOfRange() {
        refused(Status.Code.INVALID_ARGUMENT, () -> fx.daemon.endpoint().images().pullImage(PullImageRequest
                .newBuilder().setImage(ImageSpec.newBuilder().setImage("127.0.0.1:99999/e2e/busybox:1.0")).build()));
        refused(Status.Code.INVALID_ARGUMENT, () -> fx.daemon.endpoint().images().pullImage(PullImageRequest
                .newBuilder().setImage(ImageSpec.newBuilder().setImage("127.0.0.1:5000/e2e/bu\0sybox:1.0")).build()));
    }

    @Test
    void stateFilesAreRootOnly() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(fx.daemon.base().resolve("state/cni"))) {
            s.forEach(files::add);
        }
        try (Stream<Path> s = Files.walk(fx.daemon.base().resolve("root/cri/sandboxes"))) {
            s.forEach(files::add);
        }
        assertThat(files).anyMatch(p -> p.toString().endsWith(".json"));
        for (Path p : files) {
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
            assertThat(mode).as(p.toString()).isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------");
        }
    }

    // ---- helpers ----

    private static io.jcri.cri.v1.Int64Value id(long v) {
        return io.jcri.cri.v1.Int64Value.newBuilder().setValue(v).build();
    }

    private static io.jcri.cri.v1.PodSandboxMetadata.Builder meta(String name) {
        return fx.pod(name).getMetadataBuilder();
    }

    private static PodSandboxConfig.Builder withCgroupParent(PodSandboxConfig.Builder b, String parent) {
        b.getLinuxBuilder().setCgroupParent(parent);
        return b;
    }

    private static ContainerConfig.Builder withResources(java.util.function.Consumer<LinuxContainerResources.Builder> r) {
        ContainerConfig.Builder b = fx.container("res", "true");
        LinuxContainerResources.Builder res = LinuxContainerResources.newBuilder();
        r.accept(res);
        b.setLinux(LinuxContainerConfig.newBuilder().setResources(res)
                .setSecurityContext(LinuxContainerSecurityContext.getDefaultInstance()));
        return b;
    }

    private static void update(LinuxContainerResources.Builder r) {
        c.rt().updateContainerResources(UpdateContainerResourcesRequest.newBuilder().setContainerId(runningId)
                .setLinux(r).build());
    }

    private static String refusedPod(Status.Code code, PodSandboxConfig.Builder config) {
        return refused(code, () -> c.rt().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()));
    }

    private static String refusedContainer(Status.Code code, ContainerConfig.Builder config) {
        return refused(code, () -> c.rt().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId)
                .setSandboxConfig(podConfig).setConfig(config).build()));
    }

    /** Sends one input; asserts the code, the message's shape and that nothing changed. */
    private static String refused(Status.Code code, Runnable call) {
        inputs++;
        Snapshot before = Snapshot.take();
        StatusRuntimeException e;
        try {
            call.run();
            throw new AssertionError("accepted, expected " + code);
        } catch (StatusRuntimeException sre) {
            e = sre;
        }
        Status.Code got = e.getStatus().getCode();
        if (got == Status.Code.INTERNAL || got == Status.Code.UNKNOWN) {
            internal++;
        }
        String message = String.valueOf(e.getStatus().getDescription());
        Snapshot after = Snapshot.take();
        if (!after.equals(before)) {
            leaks.add(after.diff(before));
        }
        assertThat(got).as(message).isEqualTo(code);
        assertThat(message).as("names a Java class").doesNotContainPattern(JAVA_CLASS);
        assertThat(message.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).as(message).isLessThan(1024);
        assertThat(after).as("state after the refusal").isEqualTo(before);
        return message;
    }

    /** What a refused request must not change. */
    private record Snapshot(List<String> sandboxes, List<String> containers, Set<String> files, Set<String> mounts) {
        static Snapshot take() {
            List<String> pods = c.rt().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()
                    .stream().map(p -> p.getId() + "/" + p.getState()).sorted().toList();
            List<String> ctrs = c.rt().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList()
                    .stream().map(x -> x.getId() + "/" + x.getState()).sorted().toList();
            Set<String> files = new TreeSet<>();
            for (Path dir : List.of(fx.daemon.base().resolve("root/cri"), fx.daemon.base().resolve("root/runtime"),
                    fx.daemon.base().resolve("state"), fx.base.resolve("ipam"))) {
                if (!Files.exists(dir)) {
                    continue;
                }
                // a listed container's own directory is its state (a failed start prepares files there, removed
                // with the container); anything else new is a leak
                List<String> own = c.rt().listContainers(ListContainersRequest.getDefaultInstance())
                        .getContainersList().stream().map(x -> "/containers/" + x.getId() + "/").toList();
                try (Stream<Path> s = Files.walk(dir)) {
                    s.filter(p -> !p.toString().endsWith(".log"))
                            .filter(p -> own.stream().noneMatch(o -> p.toString().contains(o)))
                            .forEach(p -> files.add(p.toString()));
                } catch (IOException | UncheckedIOException e) {
                    // a file vanished while walking (a container's exit): take again
                    return take();
                }
            }
            Set<String> mounts = new TreeSet<>();
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                    if (line.contains(fx.base.toString())) {
                        mounts.add(line.split(" ")[4]);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new Snapshot(pods, ctrs, files, mounts);
        }

        String diff(Snapshot before) {
            Set<String> added = new TreeSet<>(files);
            added.removeAll(before.files);
            Set<String> mountsAdded = new TreeSet<>(mounts);
            mountsAdded.removeAll(before.mounts);
            return "new files " + added + ", new mounts " + mountsAdded + ", sandboxes " + before.sandboxes + " -> "
                    + sandboxes + ", containers " + before.containers.size() + " -> " + containers.size();
        }
    }

    @SuppressWarnings("unused")
    private static void await(String what, java.util.function.BooleanSupplier condition) {
        Deadline.await(Duration.ofSeconds(20), what, condition);
    }
}
