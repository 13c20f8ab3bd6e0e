package io.jcri.server.validation;

import io.jcri.server.grpc.CriException;
import io.jcri.server.grpc.Quoted;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * A mount's host_path as the kernel will see it: every symlink resolved, so that the refusal of jcri's own
 * directories cannot be bypassed by a link that points into them. The caller mounts the resolved path, i.e.
 * exactly what was checked. StartContainer resolves and checks again just before the mounts are made, so a link
 * swapped in between CreateContainer and StartContainer is caught too.
 */
public final class HostPaths {
    private HostPaths() {
    }

    /** The resolved host path; INVALID_ARGUMENT if it does not exist, PERMISSION_DENIED if it is jcri's. */
    public static Path resolve(String rpc, String hostPath, String containerPath, List<Path> protectedDirs) {
        Path real;
        try {
            real = Path.of(hostPath).toAbsolutePath().toRealPath();
        } catch (NoSuchFileException e) {
            throw CriException.invalidArgument(rpc + ": mount source " + Quoted.of(hostPath) + " (for "
                    + Quoted.of(containerPath) + ") does not exist on the host");
        } catch (IOException e) {
            throw CriException.invalidArgument(rpc + ": mount source " + Quoted.of(hostPath) + " (for "
                    + Quoted.of(containerPath) + ") cannot be resolved: " + e.getMessage());
        }
        for (Path own : protectedDirs) {
            if (real.startsWith(own)) {
                throw new CriException(io.grpc.Status.Code.PERMISSION_DENIED, rpc + ": mount source "
                        + Quoted.of(hostPath) + (real.toString().equals(hostPath) ? "" : " (resolved to "
                        + Quoted.of(real.toString()) + ")") + " lies in jcri's own directory " + own
                        + "; containers may not bind it");
            }
        }
        return real;
    }

    /** jcri's directories themselves resolved (they may be reached through links too). */
    public static List<Path> resolvedDirs(List<Path> dirs) {
        return dirs.stream().map(p -> {
            Path abs = p.toAbsolutePath().normalize();
            try {
                return abs.toRealPath();
            } catch (IOException e) {
                return abs;
            }
        }).distinct().toList();
    }
}
