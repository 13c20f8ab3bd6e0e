package io.jcri.runtime;

import java.nio.file.Path;

/**
 * A pod's namespaces, each pinned by a bind mount of its nsfs file under the state dir so that it outlives every
 * process (no pause container; a shared {@code pid} namespace has the pod init as its PID 1). A null path means
 * the node's namespace (hostNetwork/hostIPC/hostPID) or, for {@code pid}, that containers get their own PID
 * namespaces.
 */
public record PodNamespaces(String podId, Path net, Path ipc, Path uts, Path pid) {}
