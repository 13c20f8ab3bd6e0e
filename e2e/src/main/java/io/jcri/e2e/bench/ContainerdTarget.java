package io.jcri.e2e.bench;

import io.jcri.cri.v1.VersionRequest;
import io.jcri.e2e.harness.ContainerdDaemon;
import io.jcri.e2e.harness.CriEndpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@link ContainerdDaemon} as a benchmark target: its processes (containerd, shims, pause) and directories. */
public final class ContainerdTarget implements BenchTarget {
    private final String name;
    private final ContainerdDaemon daemon;
    private final String cgroupParent;

    private ContainerdTarget(String name, ContainerdDaemon daemon, String cgroupParent) {
        this.name = name;
        this.daemon = daemon;
        this.cgroupParent = cgroupParent;
    }

    /** Starts containerd under {@code base} with the loopback registry and the pause image as sandbox image. */
    public static ContainerdTarget start(Path base, String registryHost, String sandboxImage, Path cniConfDir,
                                  String cgroupParent) throws IOException {
        return new ContainerdTarget("containerd", ContainerdDaemon.start(base, registryHost, sandboxImage, cniConfDir),
                cgroupParent);
    }

    /** The same with another binary (containerd 2.x from {@code e2e/fetch-containerd2.sh}) under another name. */
    public static ContainerdTarget start(String name, Path binary, Path base, String registryHost,
                                         String sandboxImage, Path cniConfDir, String cgroupParent) throws IOException {
        return new ContainerdTarget(name, ContainerdDaemon.start(base, registryHost, sandboxImage, cniConfDir, binary),
                cgroupParent);
    }

    String log() {
        return daemon.log();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CriEndpoint cri() {
        return daemon.endpoint();
    }

    /** containerd plus its shims (containerd-shim-runc-v2 ... -address OUR_SOCKET). */
    @Override
    public List<Long> runtimePids() {
        List<Long> pids = new ArrayList<>();
        pids.add(daemon.pid());
        pids.addAll(shimPids());
        return pids;
    }

    @Override
    public long daemonPid() {
        return daemon.pid();
    }

    public List<Long> shimPids() {
        return daemon.shimPids();
    }

    /** The sandbox (pause) processes: the shims' children that run the sandbox image's entrypoint. */
    @Override
    public List<Long> sandboxPids() {
        List<Long> shims = shimPids();
        // one shim per pod; its first child is the sandbox's init (the pause process); containers are siblings
        return Procs.find(args -> args.size() >= 3 && args.get(0).equals("sh")
                        && args.get(2).equals(ContainerdDaemon.PAUSE_SCRIPT))
                .stream().filter(pid -> shims.contains(Procs.parentPid(pid))).toList();
    }

    @Override
    public Path logRoot() {
        return daemon.base().resolve("logs");
    }

    @Override
    public String cgroupParent() {
        return cgroupParent;
    }

    @Override
    public Path rootDir() {
        return daemon.rootDir();
    }

    @Override
    public String version() {
        var v = cri().runtime().version(VersionRequest.getDefaultInstance());
        return v.getRuntimeName() + " " + v.getRuntimeVersion();
    }

    /** Stops containerd by its PID. Shims are left to the caller's teardown. */
    @Override
    public void close() {
        daemon.close();
    }
}
