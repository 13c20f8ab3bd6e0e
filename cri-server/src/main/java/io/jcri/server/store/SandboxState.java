package io.jcri.server.store;

/** CRI PodSandboxState: READY while its namespaces and network exist, NOTREADY after stop. */
public enum SandboxState { READY, NOTREADY }
