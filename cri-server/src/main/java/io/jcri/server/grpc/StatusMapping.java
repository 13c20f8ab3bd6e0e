package io.jcri.server.grpc;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;

/** Turns whatever an RPC handler threw into the gRPC status the client sees. */
final class StatusMapping {
    private StatusMapping() {
    }

    static Status toStatus(Throwable t) {
        if (t instanceof CriException ce) {
            return ce.toStatus();
        }
        if (t instanceof StatusRuntimeException sre) {
            return sre.getStatus();
        }
        if (t instanceof StatusException se) {
            return se.getStatus();
        }
        if (t instanceof IllegalArgumentException) {
            return Status.INVALID_ARGUMENT.withDescription(t.getMessage());
        }
        return Status.INTERNAL.withDescription(t.getClass().getSimpleName()
                + (t.getMessage() == null ? "" : ": " + t.getMessage()));
    }
}
