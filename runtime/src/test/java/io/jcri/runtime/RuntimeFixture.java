package io.jcri.runtime;

import io.jcri.runtime.cgroup.CgroupDriver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A runtime on temporary dirs and a test-private cgroup parent; close() removes everything it made. */
final class RuntimeFixture implements AutoCloseable {
    final Path root;
    final Path state;
    final String cgroupParent = "jcri-test-" + UUID.randomUUID().toString().substring(0, 8);
    final ContainerRuntime runtime;
    final List<String> containers = new ArrayList<>();
    final List<String> pods = new ArrayList<>();
    private int seq;

    RuntimeFixture(Path tmp, boolean forceFallback) throws Exception {
        this(tmp, forceFallback, (io.jcri.runtime.cgroup.CgroupManager) null);
    }

    /** Reading the exit log of a jcri-subreaper, as a daemon started by the launcher does. */
    RuntimeFixture(Path tmp, boolean forceFallback, Path exitLog) throws Exception {
        root = Files.createDirectories(tmp.resolve("root"));
        state = Files.createDirectories(tmp.resolve("state"));
        runtime = new ContainerRuntime(new RuntimeOptions(root, state, forceFallback, CgroupDriver.CGROUPFS,
                cgroupParent).withExitLog(exitLog));
    }

    /** With the cgroup mode forced through {@link RuntimeOptions#cgroupMode()} (null: detect). */
    RuntimeFixture(Path tmp, boolean forceFallback, io.jcri.runtime.cgroup.CgroupMode mode) throws Exception {
        root = Files.createDirectories(tmp.resolve("root"));
        state = Files.createDirectories(tmp.resolve("state"));
        runtime = new ContainerRuntime(new RuntimeOptions(root, state, forceFallback, CgroupDriver.CGROUPFS,
                cgroupParent).withCgroupMode(mode));
    }

    /** On a kernel with only {@code kernel}'s features: the fallbacks of the others run. */
    RuntimeFixture(Path tmp, io.jcri.runtime.kernel.KernelFeatures kernel) throws Exception {
        this(tmp, null, kernel);
    }

    /** The cgroup mode forced (null: detect) on a kernel with only {@code kernel}'s features. */
    RuntimeFixture(Path tmp, io.jcri.runtime.cgroup.CgroupMode mode, io.jcri.runtime.kernel.KernelFeatures kernel)
            throws Exception {
        root = Files.createDirectories(tmp.resolve("root"));
        state = Files.createDirectories(tmp.resolve("state"));
        runtime = new ContainerRuntime(new RuntimeOptions(root, state, false, CgroupDriver.CGROUPFS,
                cgroupParent).withCgroupMode(mode).withKernelFeatures(kernel));
    }

    RuntimeFixture(Path tmp, boolean forceFallback, io.jcri.runtime.cgroup.CgroupManager cgroups) throws Exception {
        root = Files.createDirectories(tmp.resolve("root"));
        state = Files.createDirectories(tmp.resolve("state"));
        runtime = new ContainerRuntime(new RuntimeOptions(root, state, forceFallback, CgroupDriver.CGROUPFS,
                cgroupParent), cgroups);
    }

    String newId() {
        String id = "c" + (++seq) + "-" + UUID.randomUUID().toString().substring(0, 6);
        containers.add(id);
        return id;
    }

    ContainerSpec spec(String id, String... args) {
        return ContainerSpec.of(id, List.of(BusyboxRootfs.layer()), ProcessSpec.of(args));
    }

    /** Create + start; the stdio pipes the runtime hands back are closed (tests that read output use files). */
    ContainerState run(ContainerSpec spec) {
        runtime.create(spec);
        try (ProcessIO io = runtime.start(spec.id())) {
            // not read
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return runtime.state(spec.id());
    }

    String newPod() {
        String pod = "p" + (++seq) + "-" + UUID.randomUUID().toString().substring(0, 6);
        pods.add(pod);
        return pod;
    }

    @Override
    public void close() {
        for (String id : containers) {
            try {
                runtime.delete(id);
            } catch (RuntimeException e) {
                // keep cleaning
            }
        }
        for (String pod : pods) {
            try {
                runtime.removePodNamespaces(pod);
            } catch (RuntimeException e) {
                // keep cleaning
            }
        }
        runtime.close();
        for (Path parent : io.jcri.runtime.cgroup.CgroupHost.inEveryHierarchy(cgroupParent)) {
            try {
                Files.deleteIfExists(parent);
            } catch (Exception e) {
                // not empty: a test failed to clean; leave it visible
            }
        }
    }
}
