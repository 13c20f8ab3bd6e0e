package io.jcri.runtime;

import io.jcri.runtime.cgroup.CgroupDriver;
import io.jcri.runtime.cgroup.CgroupManager;
import io.jcri.runtime.cgroup.CgroupMode;
import io.jcri.runtime.cgroup.Resources;
import io.jcri.runtime.cgroup.systemd.Systemd;
import io.jcri.runtime.cgroup.systemd.UnitProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The systemd cgroup driver against a real systemd (PID 1, pure cgroup v2): the VM tier's guest
 * ({@code e2e/vm/runtime-tests.sh SystemdScopeTest}). Pod slices are made as kubelet makes them (transient slice
 * units); each container must then be a transient scope {@code jcri-<id>.scope} in its pod's slice that systemd
 * knows (systemctl, systemd-cgls), with its limits in the kernel's files, kept across {@code systemctl
 * daemon-reload}, and gone once the container is removed. On a host without systemd as PID 1 there is nothing
 * to drive: it is skipped, saying so (SystemdUnavailableTest covers that host).
 */
class SystemdScopeTest {
    private static final Path CGROUP2 = Path.of("/sys/fs/cgroup");
    private static final String TOP = "jcrivmtest";

    @TempDir
    Path tmp;

    private Systemd systemd;
    private ContainerRuntime runtime;
    private final List<String> slices = new ArrayList<>();
    private final List<String> containers = new ArrayList<>();

    @BeforeAll
    static void requireSystemdOnPureV2() {
        // a systemd node only: the host suite leaves this class out (pom.xml), the VM tier runs it; run
        // anywhere else it fails saying why rather than skipping
        assertTrue(Files.isDirectory(Path.of("/run/systemd/system"))
                        && CgroupManager.detect(CgroupDriver.CGROUPFS).mode() == CgroupMode.V2,
                "needs systemd as PID 1 on pure cgroup v2: the VM tier runs it (e2e/vm/runtime-tests.sh"
                        + " SystemdScopeTest)");
    }

    @BeforeEach
    void start() throws IOException {
        systemd = Systemd.connect();
        runtime = new ContainerRuntime(new RuntimeOptions(Files.createDirectories(tmp.resolve("root")),
                Files.createDirectories(tmp.resolve("state")), false, CgroupDriver.SYSTEMD, TOP + ".slice"));
    }

    @AfterEach
    void cleanUp() {
        for (String id : containers) {
            try {
                runtime.delete(id);
            } catch (RuntimeException e) {
                // keep cleaning
            }
        }
        runtime.close();
        for (String slice : slices) systemd.stopUnit(slice);
        systemd.stopUnit(TOP + ".slice");
        systemd.close();
    }

    /** A pod slice as kubelet's cgroup manager creates it: a transient slice unit (systemd creates the parents). */
    private String podSlice() {
        String slice = TOP + "-pod" + UUID.randomUUID().toString().replace("-", "_").substring(0, 13) + ".slice";
        systemd.startTransientUnit(slice, List.of(
                UnitProperty.string("Description", "jcri test pod slice"),
                UnitProperty.bool("DefaultDependencies", false),
                UnitProperty.bool("MemoryAccounting", true),
                UnitProperty.bool("CPUAccounting", true),
                UnitProperty.bool("TasksAccounting", true)));
        slices.add(0, slice);
        return slice;
    }

    private ContainerState run(String slice, String id, Resources resources, String... args) {
        containers.add(id);
        ContainerSpec spec = new ContainerSpec(id, null, List.of(BusyboxRootfs.layer()), ProcessSpec.of(args),
                List.of(), null, null, resources, slice, id, null, null, null, List.of());
        runtime.create(spec);
        try (ProcessIO io = runtime.start(id)) {
            // not read
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return runtime.state(id);
    }

    @Test
    void containersAreScopesOfTheirPodSliceWithTheirLimitsUntilRemoved() throws Exception {
        String podA = podSlice();
        String podB = podSlice();
        String a1 = "a1-" + UUID.randomUUID().toString().substring(0, 8);
        String a2 = "a2-" + UUID.randomUUID().toString().substring(0, 8);
        String b1 = "b1-" + UUID.randomUUID().toString().substring(0, 8);
        ContainerState sa1 = run(podA, a1, Resources.builder().memoryLimit(64L << 20).cpuQuota(50_000, 100_000)
                .cpuShares(512).pidsLimit(64).build(), "sleep", "1000");
        ContainerState sa2 = run(podA, a2, Resources.builder().memoryLimit(32L << 20).build(), "sleep", "1000");
        ContainerState sb1 = run(podB, b1, Resources.none(), "sleep", "1000");

        // systemd knows each container as a scope of its pod's slice, delegated, with the container's process
        for (var c : List.of(Map.entry(sa1, podA), Map.entry(sa2, podA), Map.entry(sb1, podB))) {
            String unit = "jcri-" + c.getKey().id() + ".scope";
            Map<String, String> show = show(unit, "ControlGroup", "Slice", "ActiveState", "Delegate", "LoadState");
            String group = "/" + TOP + ".slice/" + c.getValue() + "/" + unit;
            assertThat(show).as(unit).containsEntry("Slice", c.getValue()).containsEntry("ControlGroup", group)
                    .containsEntry("ActiveState", "active").containsEntry("Delegate", "yes")
                    .containsEntry("LoadState", "loaded");
            assertThat(runtime.cgroupPath(c.getKey().id())).isEqualTo(CGROUP2.resolve(group.substring(1)));
            assertThat(Host.read(Path.of("/proc/" + c.getKey().pid() + "/cgroup")).lines()
                    .filter(l -> l.startsWith("0::")).findFirst().orElseThrow()).isEqualTo("0::" + group);
            assertThat(sh("systemctl", "status", "--no-pager", Long.toString(c.getKey().pid())).out)
                    .as("systemctl status <pid>").contains(unit);
        }
        String cgls = sh("systemd-cgls", "--no-pager", "/" + TOP + ".slice").out;
        System.out.println("----- systemd-cgls /" + TOP + ".slice (two pods, three containers) -----\n" + cgls
                + "----- end of systemd-cgls -----");
        assertThat(cgls).contains(podA, podB, "jcri-" + a1 + ".scope", "jcri-" + a2 + ".scope",
                "jcri-" + b1 + ".scope");
        // each scope is drawn below its own pod's slice (systemd-cgls orders siblings by name)
        assertThat(sliceAbove(cgls, "jcri-" + a1 + ".scope")).contains(podA);
        assertThat(sliceAbove(cgls, "jcri-" + a2 + ".scope")).contains(podA);
        assertThat(sliceAbove(cgls, "jcri-" + b1 + ".scope")).contains(podB);

        // the limits, as the kernel reports them and as systemd has them
        Path cg1 = runtime.cgroupPath(a1);
        Map<String, String> limits1 = limits(cg1);
        assertThat(limits1).containsEntry("memory.max", Long.toString(64L << 20))
                .containsEntry("cpu.max", "50000 100000").containsEntry("cpu.weight", "20")
                .containsEntry("pids.max", "64");
        assertThat(show("jcri-" + a1 + ".scope", "MemoryMax", "TasksMax", "CPUWeight", "CPUQuotaPerSecUSec"))
                .containsEntry("MemoryMax", Long.toString(64L << 20)).containsEntry("TasksMax", "64")
                .containsEntry("CPUWeight", "20").containsEntry("CPUQuotaPerSecUSec", "500ms");
        if (Files.exists(cg1.resolve("memory.swap.max"))) {
            assertThat(Host.read(cg1.resolve("memory.swap.max")).strip()).as("containerd's swap default").isEqualTo("0");
        }
        // a live update goes to systemd too
        runtime.updateResources(a2, Resources.builder().memoryLimit(48L << 20).build());
        Path cg2 = runtime.cgroupPath(a2);
        assertThat(Host.read(cg2.resolve("memory.max")).strip()).isEqualTo(Long.toString(48L << 20));
        Map<String, String> limits2 = limits(cg2);

        // systemd writes its units' cgroup attributes again on daemon-reload: nothing may change
        assertThat(sh("systemctl", "daemon-reload").code).isZero();
        assertThat(limits(cg1)).isEqualTo(limits1);
        assertThat(limits(cg2)).isEqualTo(limits2).containsEntry("memory.max", Long.toString(48L << 20));
        assertThat(show("jcri-" + b1 + ".scope", "ActiveState")).containsEntry("ActiveState", "active");

        // removal stops the scope: systemd forgets it and its directory is gone
        runtime.stop(a1, Duration.ofSeconds(10), 15);
        runtime.delete(a1);
        assertThat(show("jcri-" + a1 + ".scope", "ActiveState")).containsEntry("ActiveState", "inactive");
        assertThat(Host.eventually(Duration.ofSeconds(30),
                () -> show("jcri-" + a1 + ".scope", "LoadState").get("LoadState").equals("not-found")))
                .as("systemd collects the stopped transient unit").isTrue();
        assertThat(cg1).doesNotExist();
        assertThat(sh("systemd-cgls", "--no-pager", "/" + TOP + ".slice").out).doesNotContain(a1)
                .contains("jcri-" + a2 + ".scope");
    }

    @Test
    void aContainerThatEndsByItselfLeavesNoUnitAndIsRemovedCleanly() throws Exception {
        String pod = podSlice();
        String id = "x1-" + UUID.randomUUID().toString().substring(0, 8);
        run(pod, id, Resources.none(), "sh", "-c", "exit 3");
        ContainerState s = runtime.awaitExit(id, Duration.ofSeconds(60));
        assertThat(s.exitCode()).isEqualTo(3);
        // systemd stops a scope whose last process left, and removes its cgroup
        String unit = "jcri-" + id + ".scope";
        assertThat(Host.eventually(Duration.ofSeconds(30),
                () -> show(unit, "ActiveState").get("ActiveState").equals("inactive"))).isTrue();
        runtime.delete(id);
        assertThat(Host.eventually(Duration.ofSeconds(30),
                () -> show(unit, "LoadState").get("LoadState").equals("not-found"))).isTrue();
        assertThat(runtime.list()).extracting(ContainerState::id).doesNotContain(id);
    }

    /**
     * systemd stops a scope and removes its cgroup as soon as its last process is gone, often before jcri handles
     * the exit: the OOM kill, read from memory.events as it happened, is still the container's reason.
     */
    @Test
    void aMemoryHogInAScopeIsOomKilledThoughSystemdRemovesItsCgroup() throws Exception {
        String pod = podSlice();
        String id = "o1-" + UUID.randomUUID().toString().substring(0, 8);
        run(pod, id, Resources.builder().memoryLimit(32L << 20).memorySwapLimit(32L << 20).build(),
                "tail", "/dev/zero");
        ContainerState s = runtime.awaitExit(id, Duration.ofSeconds(120));
        assertThat(s.exitCode()).isEqualTo(137);
        assertThat(s.oomKilled()).isTrue();
        assertThat(s.reason()).isEqualTo("OOMKilled");
        String unit = "jcri-" + id + ".scope";
        assertThat(Host.eventually(Duration.ofSeconds(30),
                () -> show(unit, "ActiveState").get("ActiveState").equals("inactive"))).isTrue();
        assertThat(Files.exists(runtime.cgroupPath(id))).as("systemd removed the scope's cgroup").isFalse();
    }

    /** The nearest slice line above the line naming {@code unit} in systemd-cgls's tree. */
    private static String sliceAbove(String cgls, String unit) {
        List<String> lines = cgls.lines().toList();
        int at = -1;
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).contains(unit)) at = i;
        assertThat(at).as(unit + " in systemd-cgls").isPositive();
        for (int i = at - 1; i >= 0; i--) if (lines.get(i).contains(".slice")) return lines.get(i);
        return "";
    }

    private static Map<String, String> limits(Path cgroup) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String f : List.of("memory.max", "memory.swap.max", "cpu.max", "cpu.weight", "pids.max")) {
            if (Files.exists(cgroup.resolve(f))) m.put(f, Host.read(cgroup.resolve(f)).strip());
        }
        return m;
    }

    private static Map<String, String> show(String unit, String... properties) {
        Result r = sh("systemctl", "show", "-p", String.join(",", properties), unit);
        assertThat(r.code).as("systemctl show " + unit + ": " + r.out).isZero();
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : r.out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) m.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return m;
    }

    private record Result(int code, String out) {}

    private static Result sh(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
