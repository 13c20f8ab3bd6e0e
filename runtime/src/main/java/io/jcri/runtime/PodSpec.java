package io.jcri.runtime;

import io.jcri.runtime.pod.PodSysctls;

import java.util.Map;

/**
 * What a pod sandbox needs from the runtime: its namespaces. {@code network == NODE} (hostNetwork) also means the
 * node's UTS namespace; {@code pid == POD} creates a PID namespace shared by the pod's containers, whose PID 1 is
 * a tiny pod init ({@link io.jcri.runtime.pod.PodInitElf}) so that containers may come and go; other pods have no
 * process of their own.
 *
 * @param cgroupParent the pod's cgroup parent (CRI LinuxPodSandboxConfig.cgroup_parent), where the pod init of a
 *                     shared-PID pod is accounted; null: the runtime's default parent
 * @param sysctls      the pod's sysctls (CRI LinuxPodSandboxConfig.sysctls), set in its network and IPC namespaces
 *                     when they are created; checked by {@link PodSysctls#check} (dot form afterwards)
 */
public record PodSpec(String podId, String hostname, NamespaceMode network, NamespaceMode pid, NamespaceMode ipc,
                      String cgroupParent, Map<String, String> sysctls) {
    public PodSpec {
        if (podId == null || !podId.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}"))
            throw new IllegalArgumentException("bad pod id: " + podId);
        if (network == null) network = NamespaceMode.POD;
        if (pid == null) pid = NamespaceMode.CONTAINER;
        if (ipc == null) ipc = NamespaceMode.POD;
        if (cgroupParent != null && cgroupParent.isBlank()) cgroupParent = null;
        sysctls = PodSysctls.check(sysctls, network, ipc);
    }

    public PodSpec(String podId, String hostname, NamespaceMode network, NamespaceMode pid, NamespaceMode ipc,
                   String cgroupParent) {
        this(podId, hostname, network, pid, ipc, cgroupParent, Map.of());
    }

    public PodSpec(String podId, String hostname, NamespaceMode network, NamespaceMode pid, NamespaceMode ipc) {
        this(podId, hostname, network, pid, ipc, null, Map.of());
    }
}
