package io.jcri.server.validation;

import io.jcri.server.grpc.CriException;
import io.jcri.server.grpc.Quoted;
import java.util.List;

/**
 * What execve(2) takes: each argument and environment string at most MAX_ARG_STRLEN (32 pages, 128 KiB, with its
 * NUL), all of them together (strings and pointers) at most ARG_MAX, which Linux sets to a quarter of the stack
 * limit: 2 MiB under the usual 8 MiB stack, the figure used here. Checked when the container is created, so that
 * a command line the kernel would refuse with E2BIG is an INVALID_ARGUMENT sentence, not a failed start.
 */
public final class ProcessLimits {
    static final int MAX_ARG_STRLEN = 128 * 1024;
    static final long ARG_MAX = 2L * 1024 * 1024;

    private ProcessLimits() {
    }

    public static void check(String rpc, String argvField, List<String> argv, String envField, List<String> env) {
        long total = 0;
        total += strings(rpc, argvField, argv);
        total += strings(rpc, envField, env);
        if (total > ARG_MAX) {
            throw CriException.invalidArgument(rpc + ": the command line and environment take " + total
                    + " bytes, more than the kernel's limit of " + ARG_MAX + " (ARG_MAX) for a new process");
        }
    }

    private static long strings(String rpc, String field, List<String> values) {
        long total = 0;
        for (int i = 0; i < values.size(); i++) {
            int n = Sizes.utf8Length(values.get(i)) + 1;
            if (n > MAX_ARG_STRLEN) {
                throw CriException.invalidArgument(rpc + ": " + field + "[" + i + "] is " + (n - 1) + " bytes long;"
                        + " the kernel takes at most " + (MAX_ARG_STRLEN - 1) + " bytes per argument or variable"
                        + " (it starts " + Quoted.of(values.get(i)) + ")");
            }
            total += n + Long.BYTES;
        }
        return total;
    }
}
