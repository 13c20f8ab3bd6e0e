package io.jcri.runtime;

/**
 * Which namespaces a container uses, in CRI terms. UTS follows the network mode (hostNetwork means the node's
 * hostname), as in CRI; the mount namespace is always the container's own.
 *
 * @param targetId the container whose PID namespace is joined when {@code pid == TARGET}
 */
public record NamespaceSpec(NamespaceMode network, NamespaceMode pid, NamespaceMode ipc, String targetId) {
    public NamespaceSpec {
        if (network == null) network = NamespaceMode.POD;
        if (pid == null) pid = NamespaceMode.CONTAINER;
        if (ipc == null) ipc = NamespaceMode.POD;
    }

    /** Own PID namespace, everything else from the pod. */
    public static NamespaceSpec podDefault() {
        return new NamespaceSpec(NamespaceMode.POD, NamespaceMode.CONTAINER, NamespaceMode.POD, null);
    }

    /** Every namespace new and private to the container (no pod). */
    public static NamespaceSpec isolated() {
        return new NamespaceSpec(NamespaceMode.CONTAINER, NamespaceMode.CONTAINER, NamespaceMode.CONTAINER, null);
    }
}
