package io.jcri.e2e.differential;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** What one runtime answered: a value, or the error its call ended with (a gRPC status, or a harness failure). */
record Outcome<T>(T value, Throwable error) {
    static <T> Outcome<T> of(T value) {
        return new Outcome<>(value, null);
    }

    static <T> Outcome<T> failed(Throwable error) {
        return new Outcome<>(null, error);
    }

    boolean ok() {
        return error == null;
    }

    /** The gRPC status code: OK for a value, the call's code for a refusal, null for a non-gRPC failure. */
    Status.Code code() {
        if (error == null) {
            return Status.Code.OK;
        }
        return error instanceof StatusRuntimeException sre ? sre.getStatus().getCode() : null;
    }

    /** One line for a report and a failure message; a refusal's text is cut to a few hundred characters. */
    String describe() {
        if (error == null) {
            return cut(String.valueOf(value));
        }
        if (error instanceof StatusRuntimeException sre) {
            String d = sre.getStatus().getDescription();
            return sre.getStatus().getCode() + (d == null ? "" : ": " + cut(d));
        }
        return "harness failure: " + cut(String.valueOf(error));
    }

    static String cut(String s) {
        String one = s.replace("\n", "\\n");
        return one.length() > 400 ? one.substring(0, 400) + "…" : one;
    }
}
