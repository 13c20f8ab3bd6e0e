package io.jcri.server.grpc;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.jcri.runtime.sys.NativeException;
import java.nio.file.InvalidPathException;
import java.util.regex.Pattern;

/**
 * Turns whatever an RPC handler threw into the gRPC status the client sees. Every description is cut to a
 * bounded size ({@link Quoted#message}) and never names a Java class: {@code INTERNAL} means a bug of jcri, and
 * its text says what failed, not which exception type carried it.
 */
final class StatusMapping {
    /** {@code java.io.IOException: }, {@code NativeException: } and the like, as Throwable.toString() writes them. */
    private static final Pattern CLASS_NAME = Pattern.compile(
            "\\b(?:[a-z_$][\\w$]*\\.)*[A-Z][\\w$]*(?:Exception|Error)(?::\\s*|\\b)");

    private StatusMapping() {
    }

    static Status toStatus(Throwable t) {
        if (t instanceof CriException ce) {
            return Status.fromCode(ce.code()).withDescription(clean(ce.getMessage()));
        }
        if (t instanceof StatusRuntimeException sre) {
            return bounded(sre.getStatus());
        }
        if (t instanceof StatusException se) {
            return bounded(se.getStatus());
        }
        if (t instanceof InvalidPathException ipe) {
            return Status.INVALID_ARGUMENT.withDescription(clean("a path in the request is not usable: "
                    + ipe.getReason()));
        }
        if (t instanceof IllegalArgumentException) {
            return Status.INVALID_ARGUMENT.withDescription(clean(t.getMessage() == null
                    ? "the request holds a value jcri cannot use" : t.getMessage()));
        }
        if (t instanceof NativeException ne) {
            return Status.INTERNAL.withDescription(clean("jcri could not complete the request, a system call "
                    + "failed: " + ne.getMessage()));
        }
        String what = t.getMessage() == null || t.getMessage().isBlank()
                ? "an internal error occurred in jcri (the daemon log has the details)" : t.getMessage();
        return Status.INTERNAL.withDescription(clean(what));
    }

    static Status bounded(Status s) {
        return s.getDescription() == null ? s : s.withDescription(clean(s.getDescription()));
    }

    /** A description without Java class names, cut to a bounded size. */
    static String clean(String message) {
        if (message == null) {
            return null;
        }
        String head = message.length() > 4 * Quoted.MAX_MESSAGE_BYTES
                ? message.substring(0, 4 * Quoted.MAX_MESSAGE_BYTES) : message;
        String scrubbed = CLASS_NAME.matcher(head).replaceAll("");
        if (head.length() < message.length()) {
            scrubbed += "... (" + message.length() + " characters)";
        }
        return Quoted.message(scrubbed);
    }
}
