package io.jcri.e2e.differential;

import com.fasterxml.jackson.databind.JsonNode;
import io.jcri.cri.v1.ContainerResources;
import io.jcri.cri.v1.LinuxContainerResources;
import io.jcri.cri.v1.UpdateContainerResourcesRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 12 item 10: what operators' tools read. {@code crictl inspect}/{@code inspectp}/{@code info} print the
 * verbose {@code info} maps; their values differ per runtime and run (ids, pids, addresses, paths), so what is
 * compared is the form: which keys exist, and what a pid given there leads to.
 */
@ExtendWith(RuntimePairExtension.class)
class InspectDifferentialTest {
    /** Which of {@code wanted} the object lacks ({@code []} when it has them all). */
    private static String missing(JsonNode object, List<String> wanted) {
        List<String> out = new ArrayList<>();
        for (String k : wanted) {
            if (!object.has(k)) {
                out.add(k);
            }
        }
        return out.toString();
    }

    private static List<String> keys(JsonNode object) {
        List<String> out = new ArrayList<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void imageRef(RuntimePair pair) {
        pair.both(rt -> rt.status(rt.run(rt.runPod(pair.pod("imgref")), pair.container("c", "sleep", "3600")))
                        .getImageRef())
                .assertSame("ContainerStatus.image_ref (both pulled the same manifest by the same tag)");
    }

    @Test
    void containerVerboseInfo(RuntimePair pair) throws Exception {
        Answers<Side.Ctr> started = pair.both(rt -> rt.run(rt.runPod(pair.pod("inspect")),
                pair.container("c", "sleep", "3600")));
        Answers<JsonNode> info = pair.both(rt -> rt.info(started.of(rt)));
        info.map(i -> "missing " + missing(i, List.of("pid", "sandboxID", "runtimeSpec", "config", "runtimeType")))
                .assertSame("ContainerStatus verbose info: keys pid sandboxID runtimeSpec config runtimeType");
        List<String> specKeys = keys(info.expected().path("runtimeSpec"));
        info.map(i -> "runtimeSpec missing " + missing(i.path("runtimeSpec"), specKeys))
                .assertSame("ContainerStatus verbose info.runtimeSpec: containerd's top-level keys " + specKeys);
        List<String> processKeys = keys(info.expected().path("runtimeSpec").path("process"));
        info.map(i -> "runtimeSpec.process missing " + missing(i.path("runtimeSpec").path("process"), processKeys))
                .assertSame("info.runtimeSpec.process: containerd's keys " + processKeys);
        List<String> linuxKeys = keys(info.expected().path("runtimeSpec").path("linux"));
        info.map(i -> "runtimeSpec.linux missing " + missing(i.path("runtimeSpec").path("linux"), linuxKeys))
                .assertSame("info.runtimeSpec.linux: containerd's keys " + linuxKeys);
        // info.pid is what people nsenter into: it must be in the container's mount namespace
        pair.both(rt -> {
            long pid = info.of(rt).path("pid").asLong();
            String host = Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/mnt")).toString();
            return "info.pid in the container's mount namespace: "
                    + rt.sh(started.of(rt), "readlink /proc/self/ns/mnt").trim().equals(host);
        }).assertSame("ContainerStatus verbose info.pid");
        // the value names each runtime's own shim type (io.containerd.runc.v2, io.jcri.runtime.v1): compared is
        // that there is one
        info.map(i -> "runtimeType set: " + !i.path("runtimeType").asText().isEmpty()).assertSame("info.runtimeType");
    }

    @Test
    void podVerboseInfo(RuntimePair pair) throws Exception {
        Answers<Side.Ctr> started = pair.both(rt -> rt.run(rt.runPod(pair.pod("inspectp")),
                pair.container("c", "sleep", "3600")));
        Answers<JsonNode> info = pair.both(rt -> rt.podInfo(started.of(rt).pod()));
        info.map(i -> "missing " + missing(i, List.of("pid", "cniResult")))
                .assertSame("PodSandboxStatus verbose info: keys pid cniResult");
        // scripts run nsenter -t {{.info.pid}} -n: that pid must be in the pod's network namespace
        pair.both(rt -> {
            long pid = info.of(rt).path("pid").asLong();
            String host = Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/net")).toString();
            return "info.pid in the pod's network namespace: "
                    + rt.sh(started.of(rt), "readlink /proc/self/ns/net").trim().equals(host);
        }).assertSame("PodSandboxStatus verbose info.pid");
        List<String> cniKeys = keys(info.expected().path("cniResult"));
        info.map(i -> "cniResult missing " + missing(i.path("cniResult"), cniKeys))
                .assertSame("info.cniResult: containerd's keys " + cniKeys);
    }

    @Test
    void runtimeStatusVerboseInfo(RuntimePair pair) {
        Answers<Map<String, String>> info = pair.both(Side::statusInfo);
        info.map(i -> "missing " + List.of("cniconfig", "lastCNILoadStatus").stream().filter(k -> !i.containsKey(k))
                        .toList())
                .assertSame("Status verbose info: keys cniconfig lastCNILoadStatus (containerd has "
                        + new TreeSet<>(info.expected().keySet()) + ")");
        List<String> cniKeys = keys(Side.parse(info.expected().get("cniconfig"), "cniconfig"));
        info.map(i -> "cniconfig missing " + missing(Side.parse(i.get("cniconfig"), "cniconfig"), cniKeys))
                .assertSame("Status info.cniconfig: containerd's keys " + cniKeys);
        info.map(i -> String.valueOf(i.get("lastCNILoadStatus"))).assertSame("Status info.lastCNILoadStatus");
    }

    @Test
    void memorySwapLimitAfterUpdate(RuntimePair pair) {
        long limit = 64L << 20;
        pair.both(rt -> {
            Side.Ctr c = rt.run(rt.runPod(pair.pod("update")), pair.container("c", "sleep", "3600"));
            rt.rt().updateContainerResources(UpdateContainerResourcesRequest.newBuilder().setContainerId(c.id())
                    .setLinux(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(limit)).build());
            ContainerResources r = rt.status(c).getResources();
            return "has resources: " + r.hasLinux() + ", memory_limit_in_bytes "
                    + r.getLinux().getMemoryLimitInBytes() + ", memory_swap_limit_in_bytes "
                    + r.getLinux().getMemorySwapLimitInBytes();
        }).assertSame("ContainerStatus.resources after UpdateContainerResources memory 64 MiB");
    }
}
