package io.jcri.server.grpc;

import io.grpc.Status;

/** A request that fails with a specific gRPC status and a message meant for a person. */
public final class CriException extends RuntimeException {
    private final Status.Code code;

    public CriException(Status.Code code, String message) {
        super(message);
        this.code = code;
    }

    public CriException(Status.Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Status.Code code() {
        return code;
    }

    public static CriException invalidArgument(String message) {
        return new CriException(Status.Code.INVALID_ARGUMENT, message);
    }

    public static CriException notFound(String message) {
        return new CriException(Status.Code.NOT_FOUND, message);
    }

    public static CriException alreadyExists(String message) {
        return new CriException(Status.Code.ALREADY_EXISTS, message);
    }

    public static CriException failedPrecondition(String message) {
        return new CriException(Status.Code.FAILED_PRECONDITION, message);
    }

    public Status toStatus() {
        return Status.fromCode(code).withDescription(getMessage());
    }
}
