package io.jcri.runtime;

import io.jcri.runtime.security.CapabilitySet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Real containers, checked from the host side; run once per /proc strategy. */
abstract class ContainerLaunchTestBase {
    /** A pure-v2 host (the runtime detects v2); else hybrid, where the runtime uses the v1 controllers. */
    static final boolean V2 = io.jcri.runtime.cgroup.CgroupHost.pureV2();
    @TempDir
    Path tmp;
    RuntimeFixture f;

    abstract boolean forceFallback();

    @BeforeEach
    void setUp() throws Exception {
        f = new RuntimeFixture(tmp, forceFallback());
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private ContainerSpec logged(ContainerSpec spec) {
        Path out = tmp.resolve(spec.id() + ".out");
        return spec.withProcess(spec.process().withStdio(out, out));
    }

    private String output(String id, String needle) {
        return Host.waitForFile(tmp.resolve(id + ".out"), needle, Duration.ofSeconds(10));
    }

    @Test
    void namespacesRootfsProcAndHostname() {
        String id = f.newId();
        ContainerState s = f.run(logged(f.spec(id, "sh", "-c",
                "echo pid=$$; echo host=$(hostname); ls -d /proc/[0-9]*; cat /proc/self/cgroup; echo done; exec sleep 1000")));
        long pid = s.pid();
        assertThat(s.status()).isEqualTo(ContainerStatus.RUNNING);
        for (String ns : List.of("pid", "mnt", "uts", "ipc", "net"))
            assertThat(Host.ns(pid, ns)).as(ns).isNotEqualTo(Host.selfNs(ns));
        String out = output(id, "done");
        assertThat(out).contains("pid=1").contains("host=" + id);
        // the container's /proc shows only its own namespace's processes: itself (1) and ls
        List<Long> procPids = Arrays.stream(out.split("\n")).filter(l -> l.startsWith("/proc/"))
                .map(l -> Long.parseLong(l.substring(6))).toList();
        assertThat(procPids).contains(1L).allMatch(p -> p < 10);
        // in its cgroup before its first instruction of user code: inside its cgroup namespace, whose root is the
        // cgroup the launch thread had joined, it sees itself at "/" (outside, it would see "/..")
        // (a pure-v2 host has the one "0::" line, a hybrid host one per v1 hierarchy)
        if (V2) assertThat(out).contains("\n0::/\n");
        else assertThat(out).contains(":memory:/\n").contains(":pids:/\n");
        assertThat(Host.ns(pid, "cgroup")).isNotEqualTo(Host.selfNs("cgroup"));
        assertThat(Host.read(Path.of("/proc/" + pid + "/cgroup")))
                .contains((V2 ? "0::/" : "pids:/") + f.cgroupParent + "/" + id + "\n");
        // and the launch thread went home from every hierarchy: no thread of this JVM is in the container's cgroup
        assertThat(jvmThreadsIn("/" + f.cgroupParent + "/" + id)).isEmpty();
        // its root is the overlay over our layer
        assertThat(Host.read(Path.of("/proc/" + pid + "/root/etc/marker"))).isEqualTo(BusyboxRootfs.MARKER);
        String rootMount = Host.read(Path.of("/proc/" + pid + "/mountinfo")).lines()
                .filter(l -> l.split(" ")[4].equals("/")).findFirst().orElseThrow();
        assertThat(rootMount).contains(" - overlay ");
        // only 0-2 reach the container
        assertThat(Host.list(Path.of("/proc/" + pid + "/fd"))).containsExactly("0", "1", "2");
    }

    /** Lines "task: cgroup line" of this JVM's threads whose cgroup (in any hierarchy) is {@code cgroup}. */
    private static List<String> jvmThreadsIn(String cgroup) {
        List<String> found = new java.util.ArrayList<>();
        for (String task : Host.list(Path.of("/proc/self/task"))) {
            String lines;
            try {
                lines = java.nio.file.Files.readString(Path.of("/proc/self/task", task, "cgroup"));
            } catch (java.io.IOException gone) {
                continue; // the thread ended meanwhile
            }
            lines.lines().filter(l -> l.endsWith(":" + cgroup)).forEach(l -> found.add(task + ": " + l));
        }
        return found;
    }

    @Test
    void defaultSecurityAndMaskedPaths() {
        String id = f.newId();
        ContainerState s = f.run(logged(f.spec(id, "sh", "-c",
                "cat /proc/timer_list | wc -c; echo w > /proc/sys/kernel/domainname || echo roproc; "
                        + "mknod /tmp/disk b 254 0 && (head -c1 /tmp/disk >/dev/null 2>&1 || echo open-denied); "
                        + "echo ok > /dev/null && echo null-ok; "
                        + "echo done; exec sleep 1000")));
        long pid = s.pid();
        String out = output(id, "done");
        assertThat(Host.status(pid, "CapBnd")).isEqualTo(String.format("%016x", CapabilitySet.DEFAULT_MASK));
        assertThat(Host.status(pid, "CapEff")).isEqualTo(String.format("%016x", CapabilitySet.DEFAULT_MASK));
        assertThat(Host.status(pid, "NoNewPrivs")).isEqualTo("0");
        assertThat(Host.status(pid, "Seccomp")).isEqualTo("0");
        assertThat(out).startsWith("0\n").contains("roproc").contains("open-denied").contains("null-ok");
        String mi = Host.read(Path.of("/proc/" + pid + "/mountinfo"));
        assertThat(mi).contains(" /proc/timer_list ").contains(" /proc/acpi ").contains(" /proc/sys ");
        assertThat(Host.read(Path.of("/proc/" + pid + "/root/proc/timer_list"))).isEmpty();
    }

    @Test
    void userCapsNoNewPrivsAndReadonlyRootfs() {
        String id = f.newId();
        SecuritySpec sec = SecuritySpec.defaults().withUser(1000L, 1001L, List.of(1002L, 1003L))
                .withReadonlyRootfs(true).withSeccomp(SecuritySpec.Seccomp.UNCONFINED, true)
                .withCaps(false, List.of(), List.of("NET_RAW", "MKNOD"));
        ContainerState s = f.run(logged(f.spec(id, "sh", "-c",
                "touch /rootfile || echo rofail; echo ok > /dev/shm/x && echo shmok; echo done; exec sleep 1000")
                .withSecurity(sec)));
        long pid = s.pid();
        String out = output(id, "done");
        assertThat(out).contains("rofail").contains("shmok");
        assertThat(Host.status(pid, "Uid")).isEqualTo("1000\t1000\t1000\t1000");
        assertThat(Host.status(pid, "Gid")).isEqualTo("1001\t1001\t1001\t1001");
        // the primary gid is among the supplementary groups, as containerd sets them
        assertThat(Host.status(pid, "Groups")).isEqualTo("1001 1002 1003");
        assertThat(Host.status(pid, "CapEff")).isEqualTo("0000000000000000");
        long bnd = CapabilitySet.DEFAULT_MASK & ~CapabilitySet.fromNames("NET_RAW", "MKNOD");
        assertThat(Host.status(pid, "CapBnd")).isEqualTo(String.format("%016x", bnd));
        assertThat(Host.status(pid, "NoNewPrivs")).isEqualTo("1");
    }

    @Test
    void stopEscalatesToSigkillAfterTimeout() {
        String id = f.newId();
        Path out = tmp.resolve(id + ".out");
        ContainerState s = f.run(logged(f.spec(id, "sh", "-c", "trap '' TERM; echo trapped; while :; do sleep 1; done")));
        output(id, "trapped");
        long t0 = System.nanoTime();
        ContainerState st = f.runtime.stop(id, Duration.ofMillis(700), 15);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).isGreaterThanOrEqualTo(700).isLessThan(10_000);
        assertThat(st.status()).isEqualTo(ContainerStatus.EXITED);
        assertThat(st.exitCode()).isEqualTo(137);
        assertThat(st.finishedAt()).isAfterOrEqualTo(st.startedAt());
        assertThat(Files.exists(Path.of("/proc/" + s.pid()))).isFalse();
        assertThat(out).exists();
    }

    @Test
    void exitCodeIsReported() {
        String id = f.newId();
        f.run(f.spec(id, "sh", "-c", "exit 7"));
        ContainerState st = f.runtime.awaitExit(id, Duration.ofSeconds(10));
        assertThat(st.status()).isEqualTo(ContainerStatus.EXITED);
        assertThat(st.exitCode()).isEqualTo(7);
        assertThat(st.oomKilled()).isFalse();
    }

    @Test
    void execJoinsPidNamespaceAndRoot() {
        String id = f.newId();
        ContainerState s = f.run(f.spec(id, "sleep", "1000"));
        ExecResult r = f.runtime.execSync(id, ProcessSpec.of("sh", "-c",
                "echo $(cat /etc/marker) $(cat /proc/1/comm) $$; echo err >&2; exit 3"), Duration.ofSeconds(10));
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(new String(r.stdout())).startsWith(BusyboxRootfs.MARKER + " sleep ");
        assertThat(new String(r.stderr())).isEqualTo("err\n");
        ExecProcess p = f.runtime.exec(id, ProcessSpec.of("sleep", "1000"));
        try {
            assertThat(Host.ns(p.pid(), "pid")).isEqualTo(Host.ns(s.pid(), "pid"));
            assertThat(Host.ns(p.pid(), "mnt")).isEqualTo(Host.ns(s.pid(), "mnt"));
            assertThat(Host.read(Path.of("/proc/" + p.pid() + "/root/etc/marker"))).isEqualTo(BusyboxRootfs.MARKER);
            assertThat(Host.read(Path.of("/proc/" + p.pid() + "/cgroup"))).contains("/" + f.cgroupParent + "/" + id);
            assertThat(Host.list(Path.of("/proc/" + p.pid() + "/fd"))).containsExactly("0", "1", "2");
        } finally {
            p.kill(9);
        }
        assertThat(p.exitCode().join()).isEqualTo(137);
        ExecResult slow = f.runtime.execSync(id, ProcessSpec.of("sleep", "100"), Duration.ofMillis(200));
        assertThat(slow.timedOut()).isTrue();
    }

    @Test
    void podNamespacesAreSharedPinnedAndRemoved() throws Exception {
        String pod = f.newPod();
        PodNamespaces pns = f.runtime.createPodNamespaces(
                new PodSpec(pod, "podhost", NamespaceMode.POD, NamespaceMode.POD, NamespaceMode.POD));
        NamespaceSpec shared = new NamespaceSpec(NamespaceMode.POD, NamespaceMode.POD, NamespaceMode.POD, null);
        String a = f.newId(), b = f.newId();
        ContainerState sa = f.run(f.spec(a, "sleep", "1000").inPod(pod, shared));
        ContainerState sb = f.run(logged(f.spec(b, "sh", "-c",
                "echo host=$(hostname); cat /proc/1/comm; echo done; exec sleep 1000").inPod(pod, shared)));
        for (String ns : List.of("net", "ipc", "uts", "pid")) {
            assertThat(Host.ns(sa.pid(), ns)).as(ns).isEqualTo(Host.ns(sb.pid(), ns)).isNotEqualTo(Host.selfNs(ns));
        }
        assertThat(Host.ns(sa.pid(), "mnt")).isNotEqualTo(Host.ns(sb.pid(), "mnt"));
        assertThat(Host.ns(sa.pid(), "net")).contains("[" + Files.getAttribute(pns.net(), "unix:ino") + "]");
        assertThat(Host.ns(sa.pid(), "pid")).contains("[" + Files.getAttribute(pns.pid(), "unix:ino") + "]");
        String out = output(b, "done");
        // PID 1 is the pod's init, not the first container
        assertThat(out).contains("host=podhost").contains(io.jcri.runtime.pod.PodInitElf.NAME + "\n");
        f.runtime.delete(a);
        f.runtime.delete(b);
        f.runtime.removePodNamespaces(pod);
        assertThat(Host.mountinfo()).noneMatch(l -> l.contains(pod));
        assertThat(f.state.resolve("pods").resolve(pod)).doesNotExist();
    }

    @Test
    void hostNetworkAndTargetPidNamespace() {
        String pod = f.newPod();
        f.runtime.createPodNamespaces(new PodSpec(pod, "ignored", NamespaceMode.NODE, NamespaceMode.CONTAINER,
                NamespaceMode.POD));
        String a = f.newId(), b = f.newId();
        ContainerState sa = f.run(f.spec(a, "sleep", "1000").inPod(pod,
                new NamespaceSpec(NamespaceMode.NODE, NamespaceMode.CONTAINER, NamespaceMode.POD, null)));
        ContainerState sb = f.run(f.spec(b, "sleep", "1000").inPod(pod,
                new NamespaceSpec(NamespaceMode.NODE, NamespaceMode.TARGET, NamespaceMode.POD, a)));
        assertThat(Host.ns(sa.pid(), "net")).isEqualTo(Host.selfNs("net"));
        assertThat(Host.ns(sa.pid(), "uts")).isEqualTo(Host.selfNs("uts"));
        assertThat(Host.ns(sa.pid(), "ipc")).isNotEqualTo(Host.selfNs("ipc"));
        assertThat(Host.ns(sb.pid(), "pid")).isEqualTo(Host.ns(sa.pid(), "pid"));
    }

    @Test
    void seccompProfilesAreEnforced() throws Exception {
        String id = f.newId();
        ContainerState s = f.run(logged(f.spec(id, "sh", "-c", "echo started; exec sleep 1000")
                .withSecurity(SecuritySpec.defaults().withSeccomp(SecuritySpec.Seccomp.RUNTIME_DEFAULT, true))));
        output(id, "started");
        assertThat(Host.status(s.pid(), "Seccomp")).isEqualTo("2");
        assertThat(Host.status(s.pid(), "NoNewPrivs")).isEqualTo("1");
        // a Localhost profile that refuses mkdir, for root, which could otherwise create the directory
        Path profile = tmp.resolve("no-mkdir.json");
        Files.writeString(profile, "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"
                + "\"syscalls\":[{\"names\":[\"mkdir\",\"mkdirat\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]}");
        String id2 = f.newId();
        ContainerState s2 = f.run(logged(f.spec(id2, "sh", "-c",
                "mkdir /tmp/x && echo made || echo refused; echo done; exec sleep 1000").withSecurity(
                SecuritySpec.defaults().withSeccomp(new SecuritySpec.Seccomp(SecuritySpec.Seccomp.Type.LOCALHOST,
                        profile), false))));
        assertThat(output(id2, "done")).contains("refused").doesNotContain("made");
        assertThat(Host.status(s2.pid(), "Seccomp")).isEqualTo("2");
        assertThat(Host.status(s2.pid(), "NoNewPrivs")).isEqualTo("0");
        // exec gets the container's filter too
        ExecResult r = f.runtime.execSync(id2, ProcessSpec.of("sh", "-c", "mkdir /tmp/y || echo refused"),
                Duration.ofSeconds(10));
        assertThat(new String(r.stdout())).contains("refused");
    }

    @Test
    void memoryHogIsOomKilled() {
        String id = f.newId();
        f.run(f.spec(id, "tail", "/dev/zero").withResources(
                io.jcri.runtime.cgroup.Resources.builder().memoryLimit(32L << 20).memorySwapLimit(32L << 20).build()));
        ContainerState st = f.runtime.awaitExit(id, Duration.ofSeconds(30));
        assertThat(st.status()).isEqualTo(ContainerStatus.EXITED);
        assertThat(st.exitCode()).isEqualTo(137);
        assertThat(st.oomKilled()).isTrue();
        assertThat(st.reason()).isEqualTo("OOMKilled");
        assertThat(kernelOomKills(id)).isEqualTo(1);
    }

    /** containerd's rule: an OOM kill in the container's cgroup is its reason, also when PID 1 survives it. */
    @Test
    void aChildChosenByTheOomKillerMakesTheContainerOomKilled() {
        String id = f.newId();
        f.run(f.spec(id, "sh", "-c", "tail /dev/zero; exit 3").withResources(
                io.jcri.runtime.cgroup.Resources.builder().memoryLimit(32L << 20).memorySwapLimit(32L << 20).build()));
        ContainerState st = f.runtime.awaitExit(id, Duration.ofSeconds(30));
        assertThat(st.status()).isEqualTo(ContainerStatus.EXITED);
        assertThat(st.exitCode()).as("the shell's own status").isEqualTo(3);
        assertThat(kernelOomKills(id)).isEqualTo(1);
        assertThat(st.oomKilled()).isTrue();
        assertThat(st.reason()).isEqualTo("OOMKilled");
    }

    /** The OOM kills of the container's cgroup as the kernel counts them (v2 memory.events, v1 oom_control). */
    private long kernelOomKills(String id) {
        String file = V2 ? "memory.events" : "memory.oom_control";
        return Host.read(f.runtime.cgroupPath(id).resolve(file)).lines().filter(l -> l.startsWith("oom_kill "))
                .mapToLong(l -> Long.parseLong(l.substring("oom_kill ".length()).strip())).findFirst().orElseThrow();
    }

    @Test
    void rlimitsAndOomScoreAdj() {
        String id = f.newId();
        SecuritySpec sec = SecuritySpec.defaults()
                .withRlimits(List.of(io.jcri.runtime.security.Rlimit.of("nofile", 1000, 2000)))
                .withOomScoreAdj(500);
        ContainerState s = f.run(logged(f.spec(id, "sh", "-c", "ulimit -n; echo done; exec sleep 1000")
                .withSecurity(sec)));
        assertThat(Host.read(Path.of("/proc/" + s.pid() + "/limits"))).containsPattern("Max open files\\s+1000\\s+2000");
        assertThat(Host.read(Path.of("/proc/" + s.pid() + "/oom_score_adj")).trim()).isEqualTo("500");
        if (forceFallback()) assertThat(output(id, "done")).startsWith("1000\n"); // set before exec by the helper
    }

    @Test
    void ttyAndStdin() throws Exception {
        String id = f.newId();
        f.runtime.create(f.spec(id, "sh", "-c", "tty; echo done; read x; echo got-$x")
                .withProcess(ProcessSpec.of("sh", "-c", "tty; echo done; read x; echo got-$x").withTty(true, true)));
        try (ProcessIO io = f.runtime.start(id)) {
            String seen = readUntil(io.stdout(), "done");
            assertThat(seen).contains("/dev/pts/0");
            io.stdin().write("hi\n".getBytes());
            io.stdin().flush();
            assertThat(readUntil(io.stdout(), "got-hi")).contains("got-hi");
        }
        assertThat(f.runtime.awaitExit(id, Duration.ofSeconds(10)).exitCode()).isEqualTo(0);
        String id2 = f.newId();
        // stdin_once: closing our end is the container's EOF (without it, stdin stays open for the container's life)
        f.runtime.create(f.spec(id2, "cat").withProcess(new ProcessSpec(List.of("cat"),
                List.of("PATH=" + ProcessSpec.DEFAULT_PATH), "/", false, true, true, null, null)));
        try (ProcessIO io = f.runtime.start(id2)) {
            io.stdin().write("piped\n".getBytes());
            io.stdin().close();
            assertThat(new String(io.stdout().readAllBytes())).isEqualTo("piped\n");
        }
        assertThat(f.runtime.awaitExit(id2, Duration.ofSeconds(10)).exitCode()).isEqualTo(0);
    }

    private static String readUntil(java.io.InputStream in, String needle) throws Exception {
        java.util.concurrent.CompletableFuture<String> f = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            StringBuilder sb = new StringBuilder();
            byte[] buf = new byte[256];
            try {
                while (!sb.toString().contains(needle)) {
                    int n = in.read(buf);
                    if (n < 0) break;
                    sb.append(new String(buf, 0, n));
                }
            } catch (java.io.IOException e) {
                sb.append(e);
            }
            return sb.toString();
        });
        return f.get(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void liveResourceUpdateAndStats() {
        String id = f.newId();
        f.run(logged(f.spec(id, "sh", "-c", "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; echo done; "
                + "exec sleep 1000").withResources(io.jcri.runtime.cgroup.Resources.builder().memoryLimit(64L << 20)
                .pidsLimit(50).cpuShares(512L).cpuQuota(50_000L, 100_000L).build())));
        Path cg = f.runtime.cgroupPath(id);
        // the limit file as the kernel names it: v2 memory.max in the unified hierarchy, v1 memory.limit_in_bytes
        String memoryFile = V2 ? "memory.max" : "memory.limit_in_bytes";
        assertThat(Host.read(cg.resolve(memoryFile)).trim()).isEqualTo(Long.toString(64L << 20));
        if (V2) {
            assertThat(Host.read(cg.resolve("pids.max")).trim()).isEqualTo("50");
            assertThat(Host.read(cg.resolve("cpu.max")).trim()).isEqualTo("50000 100000");
            assertThat(Host.read(cg.resolve("cpu.weight")).trim()).isEqualTo("20"); // kubelet's shares formula
        }
        f.runtime.updateResources(id, io.jcri.runtime.cgroup.Resources.builder().memoryLimit(96L << 20).build());
        assertThat(Host.read(cg.resolve(memoryFile)).trim()).isEqualTo(Long.toString(96L << 20));
        // the container sees its own limits at /sys/fs/cgroup (read-only, through its cgroup namespace)
        String inside = V2 ? "/sys/fs/cgroup/memory.max" : "/sys/fs/cgroup/memory/memory.limit_in_bytes";
        ExecResult r = f.runtime.execSync(id, ProcessSpec.of("sh", "-c",
                "cat " + inside + "; echo 1 > " + inside + " || echo ro; cat /proc/self/cgroup"),
                Duration.ofSeconds(10));
        assertThat(new String(r.stdout())).startsWith((96L << 20) + "\n").contains("ro\n")
                .contains(V2 ? "0::/\n" : ":memory:/\n");
        output(id, "done");
        ContainerStats stats = f.runtime.stats(id);
        assertThat(stats.cgroup().memoryUsageBytes()).isPositive();
        assertThat(stats.cgroup().cpuUsageNanos()).isPositive();
        assertThat(stats.cgroup().pidsCurrent()).isEqualTo(1);
    }

    @Test
    void bindMountsAndEtcFiles() throws Exception {
        Path ro = Files.createDirectories(tmp.resolve("ro-src"));
        Files.writeString(ro.resolve("f"), "from-host");
        Path rw = Files.createDirectories(tmp.resolve("rw-src"));
        Path hosts = Files.writeString(tmp.resolve("hosts"), "10.0.0.1 pod-peer\n");
        String id = f.newId();
        ContainerSpec spec = f.spec(id, "sh", "-c", "cat /data/f; echo x > /data/g || echo ro-refused; "
                        + "echo written > /rw/out; cat /etc/hosts; echo done; exec sleep 1000")
                .withMounts(List.of(MountSpec.bind("/data", ro, true), MountSpec.bind("/rw", rw, false)))
                .withEtcFiles(hosts, null, null);
        f.run(logged(spec));
        String out = output(id, "done");
        assertThat(out).contains("from-host").contains("ro-refused").contains("10.0.0.1 pod-peer");
        assertThat(Files.readString(rw.resolve("out"))).isEqualTo("written\n");
        assertThat(ro.resolve("g")).doesNotExist();
    }

    @Test
    void mountTargetsFollowTheImagesSymlinksButNeverOutOfTheRootfs() throws Exception {
        String tag = "jcri-test-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        // an image layer with Debian's /var/run -> /run and a link that tries to climb out to the host's /tmp
        Path top = Files.createDirectories(tmp.resolve("symlink-layer"));
        Files.createDirectories(top.resolve("var"));
        Files.createDirectories(top.resolve("run"));
        Files.createSymbolicLink(top.resolve("var/run"), Path.of("/run"));
        Files.createSymbolicLink(top.resolve("escape"), Path.of("../../../../../../../../tmp/" + tag));
        Path secret = Files.createDirectories(tmp.resolve("sa"));
        Files.writeString(secret.resolve("token"), "t0k3n");
        String id = f.newId();
        ContainerSpec spec = ContainerSpec.of(id, List.of(top, BusyboxRootfs.layer()), ProcessSpec.of("sh", "-c",
                        "cat /var/run/secrets/" + tag + "/token; echo; cat /run/secrets/" + tag + "/token; echo; "
                                + "ls /escape/inside; echo done; exec sleep 1000"))
                .withMounts(List.of(MountSpec.bind("/var/run/secrets/" + tag, secret, true),
                        MountSpec.bind("/escape/inside", secret, true)));
        f.run(logged(spec));
        String out = output(id, "done");
        assertThat(out).contains("t0k3n\nt0k3n\n").contains("token\ndone");
        assertThat(Path.of("/run/secrets/" + tag)).as("nothing created on the host's /run").doesNotExist();
        assertThat(Path.of("/tmp/" + tag)).as("nothing created on the host's /tmp").doesNotExist();
    }

    /**
     * The daemon resolves and checks a host path, then hands the resolved path to the runtime; a symlink put in
     * its place (or in place of a parent) before the mount is made must not be followed into what it points at.
     */
    @Test
    void aMountSourceSwappedForASymlinkAfterItsCheckIsNotFollowed() throws Exception {
        Path secret = Files.createDirectories(tmp.resolve("secret"));
        Files.writeString(secret.resolve("key"), "s3cr3t");
        Path swapped = Files.createSymbolicLink(tmp.resolve("checked"), secret);
        Path parent = Files.createSymbolicLink(tmp.resolve("parent"), tmp);
        for (Path source : List.of(swapped, parent.resolve("secret"))) {
            for (MountSpec.Propagation propagation : List.of(MountSpec.Propagation.PRIVATE,
                    MountSpec.Propagation.BIDIRECTIONAL)) {
                String id = f.newId();
                f.runtime.create(logged(f.spec(id, "sh", "-c", "cat /data/key; echo done; exec sleep 1000")
                        .withMounts(List.of(new MountSpec("/data", source, true, propagation, false)))));
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.runtime.start(id))
                        .as(source + " " + propagation).hasStackTraceContaining("symbolic link");
                f.runtime.delete(id);
            }
        }
    }

    @Test
    void recursiveReadOnlyBindAlsoCoversTheMountsBelowIt() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("rro-src"));
        Path sub = Files.createDirectories(src.resolve("sub"));
        io.jcri.runtime.sys.Native.mount("tmpfs", sub.toString(), "tmpfs", 0, "size=1m");
        try {
            String id = f.newId();
            ContainerSpec spec = f.spec(id, "sh", "-c", "echo x > /rro/sub/a || echo rro-refused; "
                            + "echo x > /ro/sub/b && echo ro-sub-written; echo done; exec sleep 1000")
                    .withMounts(List.of(new MountSpec("/rro", src, true, MountSpec.Propagation.PRIVATE, true),
                            MountSpec.bind("/ro", src, true)));
            f.run(logged(spec));
            String out = output(id, "done");
            // a plain readonly bind (the CRI's readonly) leaves the tmpfs below it writable, as runc does
            assertThat(out).contains("rro-refused").contains("ro-sub-written");
            assertThat(sub.resolve("a")).doesNotExist();
            assertThat(sub.resolve("b")).exists();
            f.runtime.stop(id, Duration.ZERO, 9);
        } finally {
            jnr.ffi.Pointer p = io.jcri.runtime.sys.Native.cstring(sub.toString());
            io.jcri.runtime.sys.Native.syscall(io.jcri.runtime.sys.Sc.UMOUNT2, p.address(),
                    io.jcri.runtime.sys.Sc.MNT_DETACH, 0, 0, 0, 0);
            java.lang.ref.Reference.reachabilityFence(p);
        }
    }

    @Test
    void execWithTty() throws Exception {
        String id = f.newId();
        f.run(f.spec(id, "sleep", "1000"));
        ExecProcess p = f.runtime.exec(id, ProcessSpec.of("sh", "-c", "tty; read x; echo got-$x").withTty(true, true));
        p.resize(100, 40);
        assertThat(readUntil(p.io().stdout(), "/dev/pts/")).contains("/dev/pts/");
        p.io().stdin().write("y\n".getBytes());
        p.io().stdin().flush();
        assertThat(readUntil(p.io().stdout(), "got-y")).contains("got-y");
        assertThat(p.exitCode().get(10, java.util.concurrent.TimeUnit.SECONDS)).isZero();
        p.io().close();
    }
}
