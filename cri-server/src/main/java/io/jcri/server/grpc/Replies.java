package io.jcri.server.grpc;

import io.grpc.stub.StreamObserver;

/** Completes a unary call; failures are thrown and mapped to a status by {@link RpcInstrumentation}. */
public final class Replies {
    private Replies() {
    }

    public static <T> void reply(StreamObserver<T> observer, T value) {
        observer.onNext(value);
        observer.onCompleted();
    }
}
