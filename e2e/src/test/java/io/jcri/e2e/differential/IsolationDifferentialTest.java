package io.jcri.e2e.differential;

import io.jcri.cri.v1.ContainerConfig;
import io.jcri.cri.v1.NamespaceMode;
import io.jcri.cri.v1.PodSandboxConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What isolates a container, as a process inside sees it: masked and read-only paths, a read-only root
 * filesystem, and the pid and network namespace modes.
 */
@ExtendWith(RuntimePairExtension.class)
class IsolationDifferentialTest {
    /**
     * For each path: what it is (absent, char device, a dir and how many entries it lists, a file and whether a
     * byte can be read) and the topmost mount at exactly that path (first option and fs type), from the container's
     * own mountinfo; then whether /proc/sys takes a write (of the pod's own hostname, the value it already has).
     */
    static String probe(Set<String> paths) {
        StringBuilder s = new StringBuilder("for p in");
        paths.forEach(p -> s.append(' ').append(p));
        s.append("""
                ; do
                  if [ ! -e "$p" ]; then echo "$p: absent"; continue; fi
                  if [ -c "$p" ]; then t=chardev
                  elif [ -d "$p" ]; then t="dir entries=$(ls -A "$p" 2>/dev/null | wc -l)"
                  else t="file readable=$(head -c 1 "$p" 2>/dev/null | wc -c)"; fi
                  m=$(awk -v p="$p" '$5 == p { for (i = 7; $i != "-"; i++); split($6, o, ","); r = o[1] " " $(i+1) } END { print r }' /proc/self/mountinfo)
                  echo "$p: $t mount=[${m:-none}]"
                done
                if (cat /proc/sys/kernel/hostname > /proc/sys/kernel/hostname) 2>/dev/null; then echo "/proc/sys write: ok"; else echo "/proc/sys write: refused"; fi
                """);
        return s.toString();
    }

    /**
     * The lists kubelet sends in every ContainerConfig (k8s.io/kubernetes pkg/securitycontext, DefaultProcMount).
     * Written down by hand because containerd has no list of its own to ask: containerd 1.6 applies exactly the
     * masked_paths/readonly_paths of the request, and a request without them gets none (measured here).
     */
    static final List<String> KUBELET_MASKED = List.of("/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys",
            "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
            "/sys/firmware", "/sys/devices/virtual/powercap");
    static final List<String> KUBELET_READONLY = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
            "/proc/sysrq-trigger");

    private static Set<String> kubeletPaths() {
        Set<String> paths = new LinkedHashSet<>(KUBELET_MASKED);
        paths.addAll(KUBELET_READONLY);
        return paths;
    }

    private static ContainerConfig.Builder withKubeletLists(ContainerConfig.Builder c) {
        c.getLinuxBuilder().getSecurityContextBuilder().addAllMaskedPaths(KUBELET_MASKED)
                .addAllReadonlyPaths(KUBELET_READONLY);
        return c;
    }

    private static Answers<Side.Ctr> start(RuntimePair pair, PodSandboxConfig.Builder pod, ContainerConfig.Builder c) {
        return pair.both(rt -> rt.run(rt.runPod(pod), c));
    }

    /**
     * Kept different on purpose: containerd 1.6 masks nothing for a request that names no paths (runc's own default
     * spec, and CRI-O, mask the usual /proc and /sys paths); jcri follows CRI-O, the safe side, since only a client
     * that is not kubelet sends no lists. So jcri's answer to a request without lists must be containerd's answer to
     * one with kubelet's lists.
     */
    @Test
    void maskedAndReadonlyPathsNotInTheRequest(RuntimePair pair) {
        String script = probe(kubeletPaths());
        Answers<String> none = pair.both(rt -> rt.sh(rt.run(rt.runPod(pair.pod("masked-none")),
                pair.container("c", "sleep", "3600")), script).trim());
        Answers<String> kubelet = pair.both(rt -> rt.sh(rt.run(rt.runPod(pair.pod("masked-kubelet")),
                withKubeletLists(pair.container("c", "sleep", "3600"))), script).trim());
        none.jcriAgainstContainerdOf(kubelet).assertSame(
                "masked and read-only paths of a request naming none (jcri) vs kubelet's lists (containerd)");
    }

    @Test
    void kubeletsMaskedAndReadonlyPaths(RuntimePair pair) {
        String script = probe(kubeletPaths());
        pair.both(rt -> rt.sh(rt.run(rt.runPod(pair.pod("masked")), withKubeletLists(pair.container("c", "sleep",
                        "3600"))), script).trim())
                .assertSame("masked_paths and readonly_paths as kubelet sends them");
    }

    @Test
    void maskedAndReadonlyPathsOfOurOwn(RuntimePair pair) {
        ContainerConfig.Builder c = pair.container("c", "sleep", "3600");
        c.getLinuxBuilder().getSecurityContextBuilder().addAllMaskedPaths(List.of("/proc/kcore", "/proc/cpuinfo",
                "/proc/acpi")).addAllReadonlyPaths(List.of("/proc/sys", "/tmp"));
        Set<String> paths = kubeletPaths();
        paths.addAll(List.of("/proc/cpuinfo", "/tmp"));
        String script = probe(paths);
        pair.both(rt -> rt.sh(rt.run(rt.runPod(pair.pod("masked-own")), c), script).trim())
                .assertSame("masked_paths [/proc/kcore /proc/cpuinfo /proc/acpi], readonly_paths [/proc/sys /tmp]");
    }

    @Test
    void privilegedContainerIgnoresMaskedPaths(RuntimePair pair) {
        String script = probe(kubeletPaths());
        PodSandboxConfig.Builder pod = pair.pod("masked-priv");
        pod.getLinuxBuilder().getSecurityContextBuilder().setPrivileged(true);
        ContainerConfig.Builder c = withKubeletLists(pair.container("c", "sleep", "3600"));
        c.getLinuxBuilder().getSecurityContextBuilder().setPrivileged(true);
        pair.both(rt -> rt.sh(rt.run(rt.runPod(pod), c), script).trim())
                .assertSame("privileged container given kubelet's masked and read-only paths");
    }

    @Test
    void readonlyRootfs(RuntimePair pair) {
        ContainerConfig.Builder c = pair.container("c", "sleep", "3600");
        c.getLinuxBuilder().getSecurityContextBuilder().setReadonlyRootfs(true);
        pair.both(rt -> {
            Side.Ctr ctr = rt.run(rt.runPod(pair.pod("rorootfs")), c);
            return rt.exec(ctr, "sh", "-c", "touch /probe; echo rc=$?; touch /tmp/probe; echo tmp rc=$?;"
                    + " touch /dev/shm/probe; echo shm rc=$?; awk '$5 == \"/\" { split($6, o, \",\"); print o[1] }'"
                    + " /proc/self/mountinfo | tail -n 1");
        }).assertSame("readonly_rootfs: writes to /, /tmp, /dev/shm and the / mount's first option");
    }

    @Test
    void pidNamespaceContainer(RuntimePair pair) {
        pair.both(rt -> rt.sh(rt.run(rt.runPod(pair.pod("pid-ctr")), pair.container("c", "sleep", "3600")),
                        "tr '\\0' ' ' < /proc/1/cmdline").trim())
                .assertSame("pid CONTAINER: /proc/1/cmdline");
    }

    /**
     * Normalised because the runtimes legitimately differ in PID 1: containerd's pod has its pause process, jcri's
     * its own init (no pause image). What must agree: a container sees its siblings and its own process, and PID 1
     * is neither.
     */
    @Test
    void pidNamespacePod(RuntimePair pair) {
        PodSandboxConfig.Builder pod = pair.pod("pid-pod");
        pod.getLinuxBuilder().getSecurityContextBuilder().getNamespaceOptionsBuilder().setPid(NamespaceMode.POD);
        pair.both(rt -> {
            Side.Pod p = rt.runPod(pod);
            rt.run(p, pair.container("a", "sleep", "3601"));
            Side.Ctr b = rt.run(p, pair.container("b", "sleep", "3602"));
            String ps = rt.sh(b, "ps -o pid,args");
            String pid1 = rt.sh(b, "tr '\\0' ' ' < /proc/1/cmdline").trim();
            return "sees sibling sleep 3601: " + ps.contains("sleep 3601") + ", own sleep 3602: "
                    + ps.contains("sleep 3602") + ", pid 1 is a container's process: " + pid1.startsWith("sleep 360");
        }).assertSame("pid POD: what ps shows in a second container");
    }

    @Test
    void pidNamespaceNode(RuntimePair pair) throws Exception {
        String hostInit = new String(Files.readAllBytes(Path.of("/proc/1/cmdline"))).replace('\0', ' ').trim();
        ContainerConfig.Builder c = pair.container("c", "sleep", "3600");
        c.getLinuxBuilder().getSecurityContextBuilder().getNamespaceOptionsBuilder().setPid(NamespaceMode.NODE);
        PodSandboxConfig.Builder pod = pair.pod("pid-node");
        pod.getLinuxBuilder().getSecurityContextBuilder().getNamespaceOptionsBuilder().setPid(NamespaceMode.NODE);
        pair.both(rt -> {
            String pid1 = rt.sh(rt.run(rt.runPod(pod), c), "tr '\\0' ' ' < /proc/1/cmdline").trim();
            return "pid 1 is the host's init: " + pid1.equals(hostInit) + " (" + pid1 + ")";
        }).assertSame("pid NODE: /proc/1/cmdline");
    }

    @Test
    void networkNamespaceNode(RuntimePair pair) throws Exception {
        String hostNet = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
        PodSandboxConfig.Builder pod = pair.pod("net-node").clearHostname();
        pod.getLinuxBuilder().getSecurityContextBuilder().getNamespaceOptionsBuilder()
                .setNetwork(NamespaceMode.NODE);
        pair.both(rt -> {
            Side.Ctr c = rt.run(rt.runPod(pod), pair.container("c", "sleep", "3600"));
            return "host network namespace: " + rt.sh(c, "readlink /proc/self/ns/net").trim().equals(hostNet)
                    + ", hostname " + rt.sh(c, "hostname").trim();
        }).assertSame("network NODE: the container's network namespace and hostname");
    }
}
