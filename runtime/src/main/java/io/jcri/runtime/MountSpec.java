package io.jcri.runtime;

import java.nio.file.Path;

/** A CRI Mount: a host path bind-mounted into the container. */
public record MountSpec(String containerPath, Path hostPath, boolean readonly, Propagation propagation) {
    /** CRI MountPropagation: PROPAGATION_PRIVATE, _HOST_TO_CONTAINER (rslave), _BIDIRECTIONAL (rshared). */
    public enum Propagation { PRIVATE, HOST_TO_CONTAINER, BIDIRECTIONAL }

    public MountSpec {
        if (propagation == null) propagation = Propagation.PRIVATE;
        if (containerPath == null || !containerPath.startsWith("/"))
            throw new IllegalArgumentException("container path must be absolute: " + containerPath);
    }

    public static MountSpec bind(String containerPath, Path hostPath, boolean readonly) {
        return new MountSpec(containerPath, hostPath, readonly, Propagation.PRIVATE);
    }
}
