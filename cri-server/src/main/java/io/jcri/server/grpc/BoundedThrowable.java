package io.jcri.server.grpc;

/**
 * A copy of an exception chain for the log, with every message cut by {@link Quoted#message}: the stack traces
 * are what a bug report needs, while a message may quote a megabyte of request.
 */
final class BoundedThrowable extends Throwable {
    private final String type;

    private BoundedThrowable(Throwable original) {
        super(Quoted.message(original.getMessage()), null, false, true);
        this.type = original.getClass().getName();
        setStackTrace(original.getStackTrace());
    }

    static Throwable of(Throwable t) {
        BoundedThrowable head = new BoundedThrowable(t);
        BoundedThrowable at = head;
        Throwable cause = t.getCause();
        for (int depth = 0; cause != null && depth < 8; depth++, cause = cause.getCause()) {
            BoundedThrowable next = new BoundedThrowable(cause);
            at.initCause(next);
            at = next;
        }
        return head;
    }

    @Override
    public String toString() {
        String m = getMessage();
        return m == null ? type : type + ": " + m;
    }
}
