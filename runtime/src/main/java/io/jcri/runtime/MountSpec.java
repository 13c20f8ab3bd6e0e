package io.jcri.runtime;

import java.nio.file.Path;

/**
 * A CRI Mount: a host path bind-mounted (recursively) into the container. {@code readonly} makes the bind mount
 * itself read-only, as the CRI's readonly does; mounts below the host path stay as they are unless
 * {@code recursiveReadOnly} (CRI recursive_read_only, Kubernetes' recursiveReadOnly: Enabled) makes every one
 * of them read-only too.
 */
public record MountSpec(String containerPath, Path hostPath, boolean readonly, Propagation propagation,
                        boolean recursiveReadOnly) {
    /** CRI MountPropagation: PROPAGATION_PRIVATE, _HOST_TO_CONTAINER (rslave), _BIDIRECTIONAL (rshared). */
    public enum Propagation { PRIVATE, HOST_TO_CONTAINER, BIDIRECTIONAL }

    public MountSpec {
        if (propagation == null) propagation = Propagation.PRIVATE;
        if (containerPath == null || !containerPath.startsWith("/"))
            throw new IllegalArgumentException("container path must be absolute: " + containerPath);
        if (recursiveReadOnly && !readonly)
            throw new IllegalArgumentException("recursive read-only mount of " + containerPath + " must be readonly");
        if (recursiveReadOnly && propagation != Propagation.PRIVATE)
            throw new IllegalArgumentException("recursive read-only mount of " + containerPath
                    + " must have private propagation (mounts propagated into it later would be writable)");
    }

    public MountSpec(String containerPath, Path hostPath, boolean readonly, Propagation propagation) {
        this(containerPath, hostPath, readonly, propagation, false);
    }

    public static MountSpec bind(String containerPath, Path hostPath, boolean readonly) {
        return new MountSpec(containerPath, hostPath, readonly, Propagation.PRIVATE);
    }
}
