package io.jcri.e2e.bench;

import io.jcri.e2e.harness.CriEndpoint;
import java.nio.file.Path;
import java.util.List;

/** One CRI runtime under benchmark: its socket, the processes that make it up, and how to stop it. */
public interface BenchTarget extends AutoCloseable {
    /** {@code jcri} or {@code containerd}. */
    String name();

    CriEndpoint cri();

    /** The runtime's own processes: the daemon plus any per-pod or per-container shims (not the workloads). */
    List<Long> runtimePids();

    /** The daemon's PID (jcri's JVM, containerd). */
    long daemonPid();

    /** Infrastructure processes that exist per pod but are not the runtime's (containerd's pause), if any. */
    List<Long> sandboxPids();

    /** Directory under which pod log directories go. */
    Path logRoot();

    /** Cgroup parent of this target's pods (cgroupfs form, starting with '/'). */
    String cgroupParent();

    /** Persistent root directory (images, snapshots), for the residue check after an image removal. */
    Path rootDir();

    /** The daemon's version string, for the report. */
    String version();

    @Override
    void close();
}
