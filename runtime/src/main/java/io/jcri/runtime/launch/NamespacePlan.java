package io.jcri.runtime.launch;

import io.jcri.runtime.NamespaceMode;
import io.jcri.runtime.NamespaceSpec;
import io.jcri.runtime.PodNamespaces;
import io.jcri.runtime.sys.Native;
import io.jcri.runtime.sys.Sc;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which namespaces a launch thread creates (one unshare) and which it joins (setns on fds opened beforehand on
 * the caller thread). The mount namespace is always new.
 */
public final class NamespacePlan implements AutoCloseable {
    int unshareFlags = Sc.CLONE_FS | Sc.CLONE_NEWNS;
    final List<int[]> joins = new ArrayList<>(); // {fd, nstype}
    /** The PID namespace /proc must show when joining one; -1: the one unshare creates (or the host's). */
    int joinedPidNs = -1;
    boolean newUts;
    boolean hostPid;

    /**
     * @param targetPid host pid of the container whose PID namespace TARGET mode joins (0 if unused)
     */
    public static NamespacePlan resolve(NamespaceSpec spec, PodNamespaces pod, long targetPid) {
        NamespacePlan plan = new NamespacePlan();
        try {
            switch (spec.network()) {
                case CONTAINER -> {
                    plan.unshareFlags |= Sc.CLONE_NEWNET | Sc.CLONE_NEWUTS;
                    plan.newUts = true;
                }
                case POD -> {
                    plan.joinPod(pod == null ? null : pod.net(), Sc.CLONE_NEWNET, "network");
                    plan.joinPod(pod == null ? null : pod.uts(), Sc.CLONE_NEWUTS, "uts");
                }
                case NODE -> { }
                case TARGET -> throw new IllegalArgumentException("TARGET is only valid for the PID namespace");
            }
            switch (spec.ipc()) {
                case CONTAINER -> plan.unshareFlags |= Sc.CLONE_NEWIPC;
                case POD -> plan.joinPod(pod == null ? null : pod.ipc(), Sc.CLONE_NEWIPC, "ipc");
                case NODE -> { }
                case TARGET -> throw new IllegalArgumentException("TARGET is only valid for the PID namespace");
            }
            switch (spec.pid()) {
                case CONTAINER -> plan.unshareFlags |= Sc.CLONE_NEWPID;
                case POD -> {
                    if (pod == null || pod.pid() == null)
                        throw new IllegalArgumentException("pod has no shared PID namespace");
                    plan.joinedPidNs = plan.join(pod.pid(), Sc.CLONE_NEWPID);
                }
                case TARGET -> {
                    if (targetPid <= 0) throw new IllegalArgumentException("target container is not running");
                    plan.joinedPidNs = plan.join(Path.of("/proc/" + targetPid + "/ns/pid"), Sc.CLONE_NEWPID);
                }
                case NODE -> plan.hostPid = true;
            }
            return plan;
        } catch (RuntimeException e) {
            plan.close();
            throw e;
        }
    }

    /** A new cgroup namespace, rooted at the cgroup the launch thread joined before unsharing. */
    public NamespacePlan withCgroupNamespace() {
        unshareFlags |= Sc.CLONE_NEWCGROUP;
        return this;
    }

    /**
     * Joins an existing cgroup namespace (cgroup v2: the one {@link CgroupNamespace} rooted at the container's
     * cgroup); takes ownership of {@code fd}.
     */
    NamespacePlan joinCgroupNamespace(int fd) {
        joins.add(new int[] {fd, Sc.CLONE_NEWCGROUP});
        return this;
    }

    private void joinPod(Path pinned, int type, String what) {
        if (pinned == null) return; // the pod uses the node's namespace
        join(pinned, type);
    }

    private int join(Path nsFile, int type) {
        int fd = Native.open(nsFile.toString(), Sc.O_RDONLY, 0);
        joins.add(new int[] {fd, type});
        return fd;
    }

    /** Runs on the launch thread; returns 0 or -errno, never throws. */
    int enter() {
        if (Native.C.unshare(unshareFlags) < 0) return -Native.errno();
        for (int[] j : joins) {
            if (Native.C.setns(j[0], j[1]) < 0) return -Native.errno();
        }
        return 0;
    }

    @Override
    public void close() {
        for (int[] j : joins) Native.closeQuietly(j[0]);
        joins.clear();
    }
}
