package io.jcri.runtime;

/**
 * What a pod sandbox needs from the runtime: its namespaces. {@code network == NODE} (hostNetwork) also means the
 * node's UTS namespace; {@code pid == POD} creates a PID namespace shared by the pod's containers, whose first
 * process becomes its PID 1 (there is no pause process: when that process exits the kernel ends the namespace).
 */
public record PodSpec(String podId, String hostname, NamespaceMode network, NamespaceMode pid, NamespaceMode ipc) {
    public PodSpec {
        if (podId == null || !podId.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}"))
            throw new IllegalArgumentException("bad pod id: " + podId);
        if (network == null) network = NamespaceMode.POD;
        if (pid == null) pid = NamespaceMode.CONTAINER;
        if (ipc == null) ipc = NamespaceMode.POD;
    }
}
