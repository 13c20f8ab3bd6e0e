package io.jcri.runtime;

/** CRI NamespaceMode: share the pod's namespace, own one per container, the node's, or a target container's. */
public enum NamespaceMode { POD, CONTAINER, NODE, TARGET }
