package io.jcri.e2e.differential;

import io.grpc.Status;
import java.util.Set;
import java.util.function.Function;

/**
 * The same request's outcome on jcri and on containerd (the oracle), and the comparisons a case makes. Every
 * comparison records a row in the {@link DifferentialReport} and fails with both answers in its message.
 */
final class Answers<T> {
    /**
     * containerd answers {@code Unknown} for any error it does not classify (a Go error not wrapped in its errdefs),
     * e.g. what runc refuses; the project's rule is a clear client-error code with a sentence naming the field. So a
     * containerd Unknown refusal is matched by a jcri refusal with one of these codes.
     */
    static final Set<Status.Code> CLEAR_REFUSALS = Set.of(Status.Code.INVALID_ARGUMENT,
            Status.Code.FAILED_PRECONDITION, Status.Code.NOT_FOUND, Status.Code.OUT_OF_RANGE);

    private final Outcome<T> jcri;
    private final Outcome<T> containerd;
    private final DifferentialReport report;

    Answers(Outcome<T> jcri, Outcome<T> containerd, DifferentialReport report) {
        this.jcri = jcri;
        this.containerd = containerd;
        this.report = report;
    }

    Outcome<T> jcri() {
        return jcri;
    }

    Outcome<T> containerd() {
        return containerd;
    }

    /** That side's value, or its failure rethrown (for a step that needs what an earlier step made there). */
    T of(Side side) throws Exception {
        Outcome<T> o = side.name().equals("jcri") ? jcri : containerd;
        if (!o.ok()) {
            if (o.error() instanceof Exception e) {
                throw e;
            }
            throw (Error) o.error();
        }
        return o.value();
    }

    /** containerd's value: the expected one. A containerd failure here is a broken case, not a jcri difference. */
    T expected() {
        if (!containerd.ok()) {
            throw new AssertionError("containerd (the oracle) failed, so the case is broken: " + containerd.describe(),
                    containerd.error());
        }
        return containerd.value();
    }

    /** Normalises both values (what legitimately differs: ids, pids, addresses); failures are kept as they are. */
    <R> Answers<R> map(Function<T, R> normalise) {
        return new Answers<>(apply(jcri, normalise), apply(containerd, normalise), report);
    }

    private static <T, R> Outcome<R> apply(Outcome<T> o, Function<T, R> f) {
        if (!o.ok()) {
            return Outcome.failed(o.error());
        }
        try {
            return Outcome.of(f.apply(o.value()));
        } catch (RuntimeException | AssertionError e) {
            return Outcome.failed(e);
        }
    }

    /** Both runtimes answered, with equal values. */
    Answers<T> assertSame(String what) {
        expected();
        boolean same = jcri.ok() && jcri.value().equals(containerd.value());
        return verdict(what, same, same ? "same" : "DIFFERENT");
    }

    /**
     * The same gRPC status code (OK when the call succeeded): a refusal where containerd refuses, success where it
     * accepts. containerd's Unknown is matched by a clear client-error code on jcri ({@link #CLEAR_REFUSALS}).
     */
    Answers<T> assertSameStatus(String what) {
        Status.Code c = containerd.code();
        Status.Code j = jcri.code();
        if (c == null) {
            expected();
        }
        boolean same = c == j;
        boolean equivalent = !same && c == Status.Code.UNKNOWN && CLEAR_REFUSALS.contains(j);
        return verdict(what, same || equivalent, same ? "same" : equivalent ? "same (containerd Unknown, jcri " + j
                + ")" : "DIFFERENT");
    }

    /**
     * jcri's answer here against containerd's answer to another request: for a difference kept on purpose where
     * jcri gives one request what containerd gives another (the caller's comment says why).
     */
    Answers<T> jcriAgainstContainerdOf(Answers<T> other) {
        return new Answers<>(jcri, other.containerd, report);
    }

    /**
     * A difference jcri keeps on purpose ({@code why} says which rule wins over the oracle): containerd accepts the
     * request, as recorded, and jcri refuses it with {@code jcriCode}. Both halves are asserted, so a containerd that
     * starts refusing it too turns this case back into a plain comparison.
     */
    Answers<T> assertJcriRefusesWhatContainerdAccepts(String what, Status.Code jcriCode, String why) {
        boolean pass = containerd.code() == Status.Code.OK && jcri.code() == jcriCode;
        return verdict(what + " (kept different: " + why + ")", pass, pass ? "differs on purpose" : "DIFFERENT");
    }

    private Answers<T> verdict(String what, boolean pass, String verdict) {
        report.add(what, jcri.describe(), containerd.describe(), verdict);
        if (!pass) {
            AssertionError e = new AssertionError(what + ": jcri and containerd differ\n  jcri:       "
                    + jcri.describe() + "\n  containerd: " + containerd.describe());
            if (jcri.error() != null) {
                e.addSuppressed(jcri.error());
            }
            throw e;
        }
        return this;
    }
}
