package io.jcri.runtime;

import io.jcri.runtime.cgroup.CgroupMode;
import io.jcri.runtime.pod.PodInitElf;
import io.jcri.runtime.pod.PodInits;
import io.jcri.runtime.sys.Native;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Shared-PID pods (Kubernetes shareProcessNamespace) get a pod init as PID 1 of their PID namespace; other pods get
 * no process at all. Real processes, checked from the host side, on both /proc paths.
 */
class SharedPidPodTest {
    private static final NamespaceSpec SHARED =
            new NamespaceSpec(NamespaceMode.POD, NamespaceMode.POD, NamespaceMode.POD, null);
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;
    private RuntimeFixture f;

    @AfterEach
    void tearDown() {
        if (f != null) f.close();
    }

    private String sharedPidPod() {
        String pod = f.newPod();
        f.runtime.createPodNamespaces(new PodSpec(pod, "podhost", NamespaceMode.POD, NamespaceMode.POD,
                NamespaceMode.POD));
        return pod;
    }

    private ContainerSpec logged(ContainerSpec spec) {
        Path out = tmp.resolve(spec.id() + ".out");
        return spec.withProcess(spec.process().withStdio(out, out));
    }

    @ParameterizedTest(name = "forceProcFallback={0}")
    @ValueSource(booleans = {false, true})
    void theInitIsPidOneAndSandboxedLikeAPauseContainer(boolean fallback) throws Exception {
        f = new RuntimeFixture(tmp, fallback);
        assertInitIsPidOneAndSandboxed();
    }

    /**
     * Kernels before 6.11 cannot hand out a PID namespace that has no init yet (PIDFD_THREAD 6.9,
     * PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE 6.11): the init's launch makes the namespace and it is pinned from the
     * init. The VM tier's 6.1 and 6.12 take this path; here it is forced.
     */
    @Test
    void withoutPidfdNamespaceIoctlsThePidNamespaceIsPinnedFromTheInit() throws Exception {
        f = new RuntimeFixture(tmp, io.jcri.runtime.kernel.KernelFeatures.probe().without(
                io.jcri.runtime.kernel.KernelFeature.PIDFD_THREAD, io.jcri.runtime.kernel.KernelFeature.PIDFD_NAMESPACE));
        assertThat(f.runtime.usesProcPidns()).isFalse();
        assertInitIsPidOneAndSandboxed();
        String pod = f.pods.get(0);
        f.runtime.removePodNamespaces(pod);
        assertLeftNothing(pod);
    }

    private void assertInitIsPidOneAndSandboxed() throws Exception {
        String pod = sharedPidPod();
        PodNamespaces pns = f.runtime.podNamespaces(pod);
        long init = f.runtime.podInitPid(pod);
        assertThat(init).isPositive();

        String[] nspid = Host.status(init, "NSpid").split("\t");
        assertThat(nspid).hasSize(2);
        assertThat(nspid[1]).isEqualTo("1");
        assertThat(Host.read(Path.of("/proc/" + init + "/comm"))).isEqualTo(PodInitElf.NAME + "\n");
        assertThat(Host.status(init, "PPid")).as("our child").isEqualTo(Long.toString(ProcessHandle.current().pid()));
        for (String caps : List.of("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"))
            assertThat(Host.status(init, caps)).as(caps).isEqualTo("0000000000000000");
        assertThat(Host.status(init, "NoNewPrivs")).isEqualTo("1");
        assertThat(Host.status(init, "Seccomp")).isEqualTo("2");
        assertThat(Host.status(init, "Uid")).isEqualTo("65535\t65535\t65535\t65535");
        assertThat(Host.status(init, "Gid")).isEqualTo("65535\t65535\t65535\t65535");
        assertThat(Host.status(init, "Groups")).isEmpty();
        assertThat(Host.eventually(WAIT, () -> Host.status(init, "State").startsWith("S")))
                .as("asleep, waiting for SIGCHLD").isTrue();
        // kubelet's value for sandboxes, as far as this daemon may lower it (this host withholds CAP_SYS_RESOURCE)
        assertThat(Host.read(Path.of("/proc/" + init + "/oom_score_adj")).trim())
                .isEqualTo(Integer.toString(io.jcri.runtime.security.OomScoreAdj.clampForThisProcess(-998)));
        assertThat(Host.list(Path.of("/proc/" + init + "/fd"))).containsExactly("0", "1", "2");

        // the pod's namespaces, a mount namespace of its own
        Map<String, Path> pinned = Map.of("net", pns.net(), "ipc", pns.ipc(), "uts", pns.uts(), "pid", pns.pid());
        for (var e : pinned.entrySet())
            assertThat(Host.ns(init, e.getKey())).as(e.getKey())
                    .contains("[" + Files.getAttribute(e.getValue(), "unix:ino") + "]");
        assertThat(Host.ns(init, "mnt")).isNotEqualTo(Host.selfNs("mnt"));
        // a read-only root that holds the binary and the standard mount points only, never the host's
        assertThat(Host.list(Path.of("/proc/" + init + "/root")))
                .contains(PodInitElf.NAME).isSubsetOf(PodInitElf.NAME, "proc", "dev", "sys", "etc");
        String rootMount = Host.read(Path.of("/proc/" + init + "/mountinfo")).lines()
                .filter(l -> l.split(" ")[4].equals("/")).findFirst().orElseThrow();
        assertThat(rootMount.split(" ")[5]).startsWith("ro");
        assertThat(rootMount).contains(" - overlay ");
        // accounted in a cgroup of its own below the pod's parent
        assertThat(Host.read(Path.of("/proc/" + init + "/cgroup")))
                .contains((io.jcri.runtime.cgroup.CgroupHost.pureV2() ? "0::/" : "memory:/") + f.cgroupParent + "/"
                        + PodInits.cgroupName(pod) + "\n");

        // what the pod's containers see
        String c = f.newId();
        ContainerState s = f.run(logged(f.spec(c, "sh", "-c", "echo pid=$$; cat /proc/1/comm; "
                + "(test -e /proc/1/root/etc/os-release || test -e /proc/1/root/bin/sh) && echo reach || echo noreach; "
                + "echo done; exec sleep 1000").inPod(pod, SHARED)));
        String out = Host.waitForFile(tmp.resolve(c + ".out"), "done", WAIT);
        assertThat(out).contains(PodInitElf.NAME + "\n").contains("noreach").doesNotContain("pid=1\n");
        assertThat(Host.ns(s.pid(), "pid")).isEqualTo(Host.ns(init, "pid"));
    }

    @ParameterizedTest(name = "forceProcFallback={0}")
    @ValueSource(booleans = {false, true})
    void containersComeAndGoAndOrphansAreReaped(boolean fallback) throws Exception {
        f = new RuntimeFixture(tmp, fallback);
        String pod = sharedPidPod();
        long init = f.runtime.podInitPid(pod);
        String a = f.newId(), b = f.newId(), c = f.newId(), d = f.newId();
        ContainerState sa = f.run(f.spec(a, "sleep", "1000").inPod(pod, SHARED));
        ContainerState sb = f.run(f.spec(b, "sleep", "1000").inPod(pod, SHARED));
        assertThat(Host.status(sa.pid(), "NSpid")).doesNotEndWith("\t1");

        // the first container ends: the second keeps running and a third can still start
        assertThat(f.runtime.stop(a, Duration.ZERO, 9).exitCode()).isEqualTo(137);
        assertThat(f.runtime.state(b).status()).isEqualTo(ContainerStatus.RUNNING);
        assertThat(Host.status(sb.pid(), "State")).startsWith("S");
        ExecResult alive = f.runtime.execSync(b, ProcessSpec.of("sh", "-c", "echo alive; cat /proc/1/comm"), WAIT);
        assertThat(new String(alive.stdout())).isEqualTo("alive\n" + PodInitElf.NAME + "\n");
        ContainerState sc = f.run(f.spec(c, "sleep", "1000").inPod(pod, SHARED));
        assertThat(sc.status()).isEqualTo(ContainerStatus.RUNNING);
        assertThat(Host.ns(sc.pid(), "pid")).isEqualTo(Host.ns(init, "pid"));

        // an orphan of an exec is reparented to the init, which reaps it when it ends
        ExecResult forked = f.runtime.execSync(b, ProcessSpec.of("sh", "-c",
                "sleep 1000 </dev/null >/dev/null 2>&1 & echo $!"), WAIT);
        String inPod = new String(forked.stdout()).trim();
        assertThat(Host.eventually(WAIT, () -> children(init).size() == 1)).as("children " + children(init)).isTrue();
        long orphan = children(init).get(0);
        assertThat(Host.status(orphan, "NSpid")).endsWith("\t" + inPod);
        assertThat(Host.status(orphan, "PPid")).isEqualTo(Long.toString(init));
        assertThat(Native.C.kill((int) orphan, 9)).isZero();
        assertThat(Host.eventually(WAIT, () -> !Files.exists(Path.of("/proc/" + orphan))))
                .as("reaped, not a zombie").isTrue();
        assertThat(children(init)).isEmpty();

        // a container that leaves a background child behind when it exits: the child is killed with the
        // container's cgroup and reaped by the init
        f.run(f.spec(d, "sh", "-c", "sleep 1000 & exit 0").inPod(pod, SHARED));
        assertThat(f.runtime.awaitExit(d, WAIT).exitCode()).isZero();
        String ns = Host.ns(init, "pid");
        Set<Long> expected = Set.of(init, sb.pid(), sc.pid());
        // (a zombie has left its namespaces: it would stay among the init's children)
        assertThat(Host.eventually(WAIT, () -> children(init).isEmpty())).as("children " + children(init)).isTrue();
        assertThat(Host.eventually(WAIT, () -> podProcesses(ns).keySet().equals(expected)))
                .as("processes in the pod " + podProcesses(ns)).isTrue();
        assertThat(Host.status(init, "State")).startsWith("S");
    }

    @ParameterizedTest(name = "forceProcFallback={0}")
    @ValueSource(booleans = {false, true})
    void removingThePodEndsTheInitAndItsContainersAndLeavesNothing(boolean fallback) throws Exception {
        f = new RuntimeFixture(tmp, fallback);
        String pod = sharedPidPod();
        long init = f.runtime.podInitPid(pod);
        String ns = Host.ns(init, "pid");
        String a = f.newId(), b = f.newId();
        f.run(f.spec(a, "sleep", "1000").inPod(pod, SHARED));
        f.run(f.spec(b, "sh", "-c", "trap '' TERM; sleep 1000 & sleep 1000").inPod(pod, SHARED));
        // the init, a, b's shell (or its last command, exec'd) and b's background child
        assertThat(Host.eventually(WAIT, () -> podProcesses(ns).size() == 4)).as("" + podProcesses(ns)).isTrue();

        f.runtime.removePodNamespaces(pod);
        assertThat(Files.exists(Path.of("/proc/" + init))).as("the init is gone and reaped").isFalse();
        assertThat(f.runtime.podInitPid(pod)).isZero();
        // the kernel killed everything else in the namespace
        assertThat(f.runtime.awaitExit(a, WAIT).exitCode()).isEqualTo(137);
        assertThat(f.runtime.awaitExit(b, WAIT).exitCode()).isEqualTo(137);
        assertThat(Host.eventually(WAIT, () -> podProcesses(ns).isEmpty())).as("" + podProcesses(ns)).isTrue();
        assertLeftNothing(pod);
        f.runtime.removePodNamespaces(pod); // StopPodSandbox, then RemovePodSandbox
        assertLeftNothing(pod);
    }

    @ParameterizedTest(name = "forceProcFallback={0}")
    @ValueSource(booleans = {false, true})
    void podsThatDoNotShareThePidNamespaceGetNoProcess(boolean fallback) throws Exception {
        f = new RuntimeFixture(tmp, fallback);
        String pod = f.newPod();
        PodNamespaces ns = f.runtime.createPodNamespaces(new PodSpec(pod, "h", NamespaceMode.POD,
                NamespaceMode.CONTAINER, NamespaceMode.POD));
        assertThat(ns.pid()).isNull();
        assertThat(f.runtime.podInitPid(pod)).isZero();
        assertThat(children(ProcessHandle.current().pid()).stream()
                .map(p -> Host.read(Path.of("/proc/" + p + "/comm")).trim())).doesNotContain(PodInitElf.NAME);
        assertThat(f.root.resolve("pods").resolve(pod)).doesNotExist();
        assertThat(f.state.resolve("pods").resolve(pod).resolve("init")).doesNotExist();
        assertNoInitCgroup(pod);
        String c = f.newId();
        ContainerState s = f.run(f.spec(c, "sleep", "1000").inPod(pod, NamespaceSpec.podDefault()));
        assertThat(Host.status(s.pid(), "NSpid")).endsWith("\t1");
        f.runtime.delete(c);
        f.runtime.removePodNamespaces(pod);
        assertLeftNothing(pod);
    }

    @ParameterizedTest(name = "forceProcFallback={0}")
    @ValueSource(booleans = {false, true})
    void aRestartedDaemonFindsTheInitAgain(boolean fallback) throws Exception {
        f = new RuntimeFixture(tmp, fallback);
        String pod = f.newPod(), c = f.newId();
        long init, container;
        // the previous daemon: same directories, closed (not killed) like a daemon that went away
        try (ContainerRuntime previous = new ContainerRuntime(new RuntimeOptions(f.root, f.state, fallback,
                io.jcri.runtime.cgroup.CgroupDriver.CGROUPFS, f.cgroupParent))) {
            previous.createPodNamespaces(new PodSpec(pod, "podhost", NamespaceMode.POD, NamespaceMode.POD,
                    NamespaceMode.POD));
            init = previous.podInitPid(pod);
            previous.create(f.spec(c, "sleep", "1000").inPod(pod, SHARED));
            previous.start(c).close();
            container = previous.state(c).pid();
        }
        assertThat(Files.exists(Path.of("/proc/" + init))).isTrue();
        assertThat(f.runtime.podInitPid(pod)).as("before recover()").isZero();
        f.runtime.recover();
        assertThat(f.runtime.podInitPid(pod)).isEqualTo(init);
        assertThat(f.runtime.state(c).status()).isEqualTo(ContainerStatus.RUNNING);

        f.runtime.removePodNamespaces(pod);
        assertThat(Host.eventually(WAIT, () -> !Files.exists(Path.of("/proc/" + init)))).isTrue();
        assertThat(f.runtime.awaitExit(c, WAIT).status()).isEqualTo(ContainerStatus.EXITED);
        assertThat(Host.eventually(WAIT, () -> !Files.exists(Path.of("/proc/" + container)))).isTrue();
        assertLeftNothing(pod);
    }

    @ParameterizedTest(name = "forceProcFallback={0}")
    @ValueSource(booleans = {false, true})
    void anInitThatCannotStartLeavesNothingBehind(boolean fallback) throws Exception {
        f = new RuntimeFixture(tmp, fallback);
        Path exe = f.root.resolve("pod-init").resolve(PodInitElf.NAME);
        Files.delete(exe); // exec fails inside the new mount namespace
        String pod = f.newPod();
        List<String> mountsBefore = mountsOf(pod);
        assertThatThrownBy(() -> f.runtime.createPodNamespaces(new PodSpec(pod, "h", NamespaceMode.POD,
                NamespaceMode.POD, NamespaceMode.POD))).isInstanceOf(RuntimeException.class);
        assertThat(mountsBefore).isEmpty();
        assertLeftNothing(pod);
        assertThat(f.runtime.podNamespaces(pod)).isNull();
        assertThat(children(ProcessHandle.current().pid()).stream()
                .map(p -> Host.read(Path.of("/proc/" + p + "/comm")).trim())).doesNotContain(PodInitElf.NAME);
    }

    @ParameterizedTest(name = "forceProcFallback={0}")
    @ValueSource(booleans = {false, true})
    void anInitKilledFromOutsideIsReportedAndTheRemovalStillCleansUp(boolean fallback) throws Exception {
        f = new RuntimeFixture(tmp, fallback);
        String pod = sharedPidPod();
        long init = f.runtime.podInitPid(pod);
        String a = f.newId(), b = f.newId();
        f.run(f.spec(a, "sleep", "1000").inPod(pod, SHARED));
        assertThat(Native.C.kill((int) init, 9)).isZero();
        assertThat(f.runtime.awaitExit(a, WAIT).exitCode()).as("the kernel ends the namespace").isEqualTo(137);
        assertThat(Host.eventually(WAIT, () -> f.runtime.podInitPid(pod) == 0)).isTrue();
        assertThat(Files.exists(Path.of("/proc/" + init))).as("reaped").isFalse();
        f.runtime.create(f.spec(b, "sleep", "1000").inPod(pod, SHARED));
        assertThatThrownBy(() -> f.runtime.start(b)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("init of pod " + pod + " ended");
        f.runtime.removePodNamespaces(pod);
        assertLeftNothing(pod);
    }

    /** cgroup v2 forced (a hybrid host's cgroup2 mount; a pure-v2 host's only one): the init goes through the gate. */
    @ParameterizedTest(name = "forceProcFallback={0}")
    @ValueSource(booleans = {false, true})
    void cgroupV2(boolean fallback) throws Exception {
        f = new RuntimeFixture(tmp, fallback, CgroupMode.V2);
        String pod = sharedPidPod();
        long init = f.runtime.podInitPid(pod);
        assertThat(Host.status(init, "NSpid")).endsWith("\t1");
        assertThat(Host.read(Path.of("/proc/" + init + "/cgroup")))
                .contains("0::/" + f.cgroupParent + "/" + PodInits.cgroupName(pod) + "\n");
        String c = f.newId();
        ExecResult r;
        f.run(f.spec(c, "sleep", "1000").inPod(pod, SHARED));
        r = f.runtime.execSync(c, ProcessSpec.of("cat", "/proc/1/comm"), WAIT);
        assertThat(new String(r.stdout())).isEqualTo(PodInitElf.NAME + "\n");
        f.runtime.removePodNamespaces(pod);
        assertThat(Files.exists(Path.of("/proc/" + init))).isFalse();
        assertLeftNothing(pod);
    }

    // ---- host-side observations ---------------------------------------------------------------------------

    private void assertLeftNothing(String pod) {
        assertThat(mountsOf(pod)).isEmpty();
        assertNoInitCgroup(pod);
        assertThat(f.root.resolve("pods").resolve(pod)).doesNotExist();
        assertThat(f.state.resolve("pods").resolve(pod)).doesNotExist();
    }

    private void assertNoInitCgroup(String pod) {
        for (Path parent : io.jcri.runtime.cgroup.CgroupHost.inEveryHierarchy(f.cgroupParent)) {
            assertThat(parent.resolve(PodInits.cgroupName(pod))).doesNotExist();
        }
    }

    private static List<String> mountsOf(String pod) {
        return Host.mountinfo().stream().filter(l -> l.contains(pod)).toList();
    }

    /** Children of a process (all its threads'). */
    private static List<Long> children(long pid) {
        List<Long> out = new ArrayList<>();
        for (String task : Host.list(Path.of("/proc/" + pid + "/task"))) {
            try {
                String s = Files.readString(Path.of("/proc/" + pid + "/task/" + task + "/children")).trim();
                if (!s.isEmpty()) for (String c : s.split(" ")) out.add(Long.parseLong(c));
            } catch (IOException e) {
                // the thread ended
            }
        }
        return out;
    }

    /** Host pid to State of every process in the PID namespace {@code ns} (as readlink shows it). */
    private static Map<Long, String> podProcesses(String ns) {
        Map<Long, String> out = new LinkedHashMap<>();
        for (String p : Host.list(Path.of("/proc"))) {
            if (!p.chars().allMatch(Character::isDigit)) continue;
            try {
                if (!Files.readSymbolicLink(Path.of("/proc", p, "ns", "pid")).toString().equals(ns)) continue;
                out.put(Long.parseLong(p), Host.status(Long.parseLong(p), "State"));
            } catch (IOException | RuntimeException e) {
                // gone meanwhile, or not ours to look at
            }
        }
        return out;
    }
}
