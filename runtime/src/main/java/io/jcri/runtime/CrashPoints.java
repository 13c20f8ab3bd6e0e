package io.jcri.runtime;

import io.jcri.runtime.sys.Native;
import io.jcri.runtime.sys.Sc;
import java.util.List;

/**
 * A test-only hook for crash-consistency tests: the environment variable {@value #ENV} names one point between
 * the steps of RunPodSandbox or CreateContainer (or at StartContainer's cgroup v2 gate), and the daemon's JVM kills itself with SIGKILL (as {@code kill -9}
 * would: no shutdown hook, no finally block, no flush) when it gets there. Read once at start; unset (every
 * normal configuration) {@link #reach} is a comparison with null. A name that is not one of {@link #ALL} stops the
 * daemon at start-up, so a test cannot arm a point that does not exist.
 */
public final class CrashPoints {
    public static final String ENV = "JCRI_TEST_CRASH_AT";

    // RunPodSandbox, in the order the steps are made
    public static final String SANDBOX_FILES = "sandbox.files-written";
    public static final String SANDBOX_NS_DIR = "sandbox.namespace-dir-made";
    public static final String SANDBOX_NETNS = "sandbox.netns-pinned";
    public static final String SANDBOX_NAMESPACES = "sandbox.namespaces-pinned";
    public static final String SANDBOX_INIT_CGROUP = "sandbox.pod-init-cgroup-made";
    public static final String SANDBOX_INIT_STARTED = "sandbox.pod-init-started";
    public static final String SANDBOX_CNI_CACHED = "sandbox.cni-cached";
    public static final String SANDBOX_LOOPBACK_UP = "sandbox.loopback-up";
    public static final String SANDBOX_CNI_ADDED = "sandbox.cni-added";
    public static final String SANDBOX_NETWORK = "sandbox.network-attached";
    public static final String SANDBOX_RECORD = "sandbox.record-written";
    // CreateContainer
    public static final String CONTAINER_DIRS = "container.dirs-made";
    public static final String CONTAINER_CGROUP = "container.cgroup-made";
    public static final String CONTAINER_CGROUP_SET = "container.cgroup-configured";
    public static final String CONTAINER_RUNTIME_RECORD = "container.runtime-record-written";
    public static final String CONTAINER_RECORD = "container.record-written";

    // StartContainer, cgroup v2 only: the child moved into its cgroup and held at the gate, not yet let go
    public static final String CONTAINER_START_GATED = "container.start-gated";

    /** The RunPodSandbox and CreateContainer points, reached on every host (CrashAtEachStepE2eTest runs each). */
    public static final List<String> ALL = List.of(SANDBOX_FILES, SANDBOX_NS_DIR, SANDBOX_NETNS, SANDBOX_NAMESPACES,
            SANDBOX_INIT_CGROUP, SANDBOX_INIT_STARTED, SANDBOX_CNI_CACHED, SANDBOX_LOOPBACK_UP, SANDBOX_CNI_ADDED,
            SANDBOX_NETWORK, SANDBOX_RECORD, CONTAINER_DIRS, CONTAINER_CGROUP, CONTAINER_CGROUP_SET,
            CONTAINER_RUNTIME_RECORD, CONTAINER_RECORD);

    private static final String ARMED = read();
    private static final int PID = (int) ProcessHandle.current().pid();

    private CrashPoints() {
    }

    private static String read() {
        String v = System.getenv(ENV);
        return v == null || v.isEmpty() ? null : v;
    }

    /** The armed point, or null (always, outside crash tests). */
    public static String armed() {
        if (ARMED != null && !ALL.contains(ARMED) && !ARMED.equals(CONTAINER_START_GATED)) {
            throw new IllegalArgumentException(ENV + " names \"" + ARMED + "\", which is no crash point; known: "
                    + ALL + ", " + CONTAINER_START_GATED);
        }
        return ARMED;
    }

    /** Dies at once, by SIGKILL to the whole process, if {@code point} is the armed one. */
    public static void reach(String point) {
        if (ARMED == null || !ARMED.equals(point)) {
            return;
        }
        Native.C.kill(PID, Sc.SIGKILL);
        Runtime.getRuntime().halt(137); // not reached: SIGKILL cannot be caught
    }
}
