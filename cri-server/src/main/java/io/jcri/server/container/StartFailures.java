package io.jcri.server.container;

import io.jcri.runtime.sys.NativeException;
import io.jcri.server.grpc.CriException;
import io.jcri.server.grpc.Quoted;

/**
 * A container's first exec failing because of what the container config or its image says (a command that is not
 * in the image, not executable, not a binary for this node) is the request's problem, not jcri's: a
 * FAILED_PRECONDITION sentence naming the command, instead of INTERNAL with the errno of the container's init.
 * containerd answers UNKNOWN with runc's "executable file not found in $PATH" here.
 */
final class StartFailures {
    private static final int ENOENT = 2, E2BIG = 7, ENOEXEC = 8, EACCES = 13, ENOTDIR = 20, ELOOP = 40;

    private StartFailures() {
    }

    static RuntimeException of(String rpc, String containerId, NativeException e) {
        String message = String.valueOf(e.getMessage());
        if (message.startsWith("mount source ") && e.errno() == ELOOP) {
            // a host_path swapped for a symbolic link after StartContainer checked it (MountSource)
            int errnoAt = message.lastIndexOf(": errno");
            return CriException.failedPrecondition(rpc + ": container " + containerId + ": "
                    + (errnoAt < 0 ? message : message.substring(0, errnoAt)));
        }
        // the container's first exec is posix_spawn (or, in the /proc fallback, execve of the init program)
        String step = message.contains("posix_spawn ") ? "posix_spawn " : "execve ";
        int at = message.indexOf(step);
        if (at < 0) {
            return e;
        }
        String rest = message.substring(at + step.length());
        int colon = rest.lastIndexOf(": errno");
        String executable = colon < 0 ? rest : rest.substring(0, colon);
        String what = switch (e.errno()) {
            case ENOENT, ENOTDIR -> "does not exist in the container (looked up along the container's PATH)";
            case EACCES -> "is not executable in the container";
            case ENOEXEC -> "is not a program this node can run";
            case ELOOP -> "is a loop of symbolic links";
            case E2BIG -> "cannot be run: its arguments and environment are too large";
            default -> null;
        };
        if (what == null) {
            return e;
        }
        return CriException.failedPrecondition(rpc + ": the command " + Quoted.of(executable) + " of container "
                + containerId + " " + what);
    }
}
