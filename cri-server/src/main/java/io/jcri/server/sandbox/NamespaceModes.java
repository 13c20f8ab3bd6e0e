package io.jcri.server.sandbox;

import io.jcri.cri.v1.NamespaceMode;

/** CRI NamespaceMode to the runtime's. */
public final class NamespaceModes {
    private NamespaceModes() {
    }

    public static io.jcri.runtime.NamespaceMode toRuntime(NamespaceMode mode) {
        return switch (mode) {
            case POD -> io.jcri.runtime.NamespaceMode.POD;
            case CONTAINER -> io.jcri.runtime.NamespaceMode.CONTAINER;
            case NODE -> io.jcri.runtime.NamespaceMode.NODE;
            case TARGET -> io.jcri.runtime.NamespaceMode.TARGET;
            case UNRECOGNIZED -> throw new IllegalArgumentException("unknown namespace mode");
        };
    }
}
