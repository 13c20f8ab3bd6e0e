package io.jcri.e2e.bench;

import io.jcri.cri.v1.ContainerStatusRequest;
import io.jcri.cri.v1.ImageSpec;
import io.jcri.cri.v1.ImageStatusRequest;
import io.jcri.cri.v1.ListContainersRequest;
import io.jcri.cri.v1.ListImagesRequest;
import io.jcri.cri.v1.PodSandboxStatusRequest;
import io.jcri.cri.v1.StatusRequest;
import io.jcri.cri.v1.VersionRequest;
import io.jcri.e2e.harness.CriEndpoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Scenario 12, the per-RPC floor: the cheap calls kubelet makes most often, each timed one by one over one
 * connection (the target's single channel, calls in sequence), in a warm daemon. Each target serves its calls in
 * blocks that alternate between the targets (A B A B …), so machine drift hits every target alike. The state the
 * calls read is one pod with one running container; ListContainers is measured with that one container and again
 * after the pod has been given {@code manyContainers} in all. Each RPC is first called {@code calls} times untimed
 * on every target (the JIT compiles jcri's call paths; kubelet only ever meets a warm daemon). Samples are in
 * microseconds.
 */
final class RpcFloor {
    /** One timed call against one target; it throws when the answer is not what the state says. */
    private interface Call {
        void once(CriEndpoint cri);
    }

    private record Rpc(String id, String label, Call call) {
    }

    private record Home(Pods.Pod pod, String container) {
    }

    private final Results results;
    private final List<BenchTarget> targets;
    private final Map<String, Pods> pods;
    private final String image;
    private final int calls;
    private final int blocks;
    private final int manyContainers;
    private final Consumer<String> log;

    RpcFloor(Results results, List<BenchTarget> targets, Map<String, Pods> pods, String image, int calls, int blocks,
             int manyContainers, Consumer<String> log) {
        this.results = results;
        this.targets = targets;
        this.pods = pods;
        this.image = image;
        this.calls = calls;
        this.blocks = Math.max(1, Math.min(blocks, calls));
        this.manyContainers = manyContainers;
        this.log = log;
    }

    /** Runs every RPC of the scenario; a target that fails a call is noted and left out of what follows. */
    void measure() {
        Map<String, Home> homes = new LinkedHashMap<>();
        for (BenchTarget t : targets) {
            Pods p = pods.get(t.name());
            Pods.Pod pod = p.run("floor");
            String ctr = p.create(pod, p.container(pod, "floor-0", "sleep", "3600"));
            p.start(ctr);
            homes.put(t.name(), new Home(pod, ctr));
        }
        List<String> failed = new ArrayList<>();
        // a warm daemon is what kubelet meets: every call path is compiled before the first timed call
        for (Rpc rpc : rpcs(homes, 1)) {
            warmUp(rpc, failed);
        }
        for (Rpc rpc : rpcs(homes, 1)) {
            time(rpc, failed);
        }
        for (BenchTarget t : targets) {
            if (failed.contains(t.name())) {
                continue;
            }
            Pods p = pods.get(t.name());
            Pods.Pod pod = homes.get(t.name()).pod();
            List<Integer> n = new ArrayList<>();
            for (int i = 1; i < manyContainers; i++) {
                n.add(i);
            }
            long t0 = System.nanoTime();
            Parallel.forEach(8, n, i -> p.start(p.create(pod, p.container(pod, "floor-" + i, "sleep", "3600"))));
            log.accept(String.format(Locale.ROOT, "%s: %d more containers running in %.1f s", t.name(), n.size(),
                    (System.nanoTime() - t0) / 1e9));
        }
        Rpc many = listContainers("12.list" + manyContainers, manyContainers);
        warmUp(many, failed);
        time(many, failed);
        for (BenchTarget t : targets) {
            pods.get(t.name()).destroy(homes.get(t.name()).pod().id());
        }
    }

    private List<Rpc> rpcs(Map<String, Home> homes, int containers) {
        ImageStatusRequest imageStatus = ImageStatusRequest.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage(image)).build();
        return List.of(
                new Rpc("12.version", "Version", cri -> cri.runtime().version(VersionRequest.getDefaultInstance())),
                new Rpc("12.status", "Status", cri -> cri.runtime().status(StatusRequest.getDefaultInstance())),
                new Rpc("12.listimages", "ListImages", cri -> {
                    if (cri.images().listImages(ListImagesRequest.getDefaultInstance()).getImagesCount() == 0) {
                        throw new AssertionError("ListImages listed no image");
                    }
                }),
                new Rpc("12.imagestatus", "ImageStatus", cri -> {
                    if (!cri.images().imageStatus(imageStatus).hasImage()) {
                        throw new AssertionError("ImageStatus does not know " + image);
                    }
                }),
                new Rpc("12.ctrstatus", "ContainerStatus", cri -> {
                    String id = homes.get(nameOf(cri)).container();
                    cri.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build());
                }),
                new Rpc("12.podstatus", "PodSandboxStatus", cri -> {
                    String id = homes.get(nameOf(cri)).pod().id();
                    cri.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(id).build());
                }),
                listContainers("12.list1", containers));
    }

    private Rpc listContainers(String id, int expected) {
        return new Rpc(id, "ListContainers, " + expected + (expected == 1 ? " container" : " containers"), cri -> {
            int n = cri.runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainersCount();
            if (n != expected) {
                throw new AssertionError("ListContainers listed " + n + " containers, expected " + expected);
            }
        });
    }

    private final Map<CriEndpoint, String> names = new LinkedHashMap<>();

    private String nameOf(CriEndpoint cri) {
        if (names.isEmpty()) {
            targets.forEach(t -> names.put(t.cri(), t.name()));
        }
        return names.get(cri);
    }

    /** {@code calls} untimed calls per target. */
    private void warmUp(Rpc rpc, List<String> failed) {
        for (BenchTarget t : targets) {
            if (failed.contains(t.name())) {
                continue;
            }
            try {
                for (int i = 0; i < calls; i++) {
                    rpc.call().once(t.cri());
                }
            } catch (RuntimeException | AssertionError e) {
                fail(rpc, t, e, failed);
            }
        }
    }

    private void fail(Rpc rpc, BenchTarget t, Throwable e, List<String> failed) {
        String label = "per-RPC floor: " + rpc.label();
        failed.add(t.name());
        results.note(rpc.id(), label, "µs", t.name(), "failed");
        results.error(t.name() + ": scenario " + rpc.id() + ": " + e);
        log.accept(t.name() + ": scenario " + rpc.id() + " failed: " + e);
    }

    /** {@code calls} timed calls per target in alternating blocks. */
    private void time(Rpc rpc, List<String> failed) {
        String label = "per-RPC floor: " + rpc.label();
        log.accept(String.format(Locale.ROOT, "scenario %s: %s (%d calls per target in %d blocks)", rpc.id(), label,
                calls, blocks));
        int perBlock = calls / blocks;
        for (int b = 0; b < blocks; b++) {
            int n = b == blocks - 1 ? calls - perBlock * (blocks - 1) : perBlock;
            for (BenchTarget t : targets) {
                if (failed.contains(t.name())) {
                    continue;
                }
                CriEndpoint cri = t.cri();
                try {
                    for (int i = 0; i < n; i++) {
                        long t0 = System.nanoTime();
                        rpc.call().once(cri);
                        double us = (System.nanoTime() - t0) / 1e3;
                        results.add(rpc.id(), label, "µs", t.name(), us);
                    }
                } catch (RuntimeException | AssertionError e) {
                    fail(rpc, t, e, failed);
                }
            }
        }
    }

    /** Whether every target answered every call. */
    static boolean passed(Results results) {
        return results.errors().stream().noneMatch(e -> e.contains("scenario 12."));
    }
}
