package io.jcri.server.runtime;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/**
 * The RuntimeService RPCs jcri answers UNIMPLEMENTED on purpose, each with the reason (and the full method
 * name, as grpc-java's default message has it, so clients and logs can tell which call it was).
 */
final class UnimplementedRpcs {
    private static final String PREFIX = "runtime.v1.RuntimeService/";

    private UnimplementedRpcs() {
    }

    static void checkpoint(StreamObserver<?> response) {
        fail(response, "CheckpointContainer", "jcri cannot checkpoint a container: that needs CRIU to dump the "
                + "processes, and jcri does not use CRIU (kubelet's container checkpoint API is optional)");
    }

    /** The Stream* list RPCs: the unary List* RPCs answer the same questions and kubelet falls back to them. */
    static void listStream(StreamObserver<?> response, String method, String unary) {
        fail(response, method, "jcri does not offer the streaming form of this list; call " + PREFIX + unary
                + ", which returns the whole list in one response");
    }

    private static void fail(StreamObserver<?> response, String method, String why) {
        response.onError(Status.UNIMPLEMENTED.withDescription("Method " + PREFIX + method + " is unimplemented: "
                + why).asRuntimeException());
    }
}
