package io.jcri.runtime.launch;

import java.util.ArrayDeque;
import java.util.Deque;

/** Releases what a sequence acquired, in reverse order, unless the sequence committed. */
public final class Undo implements AutoCloseable {
    public interface Step {
        void run() throws Exception;
    }

    private final Deque<Step> steps = new ArrayDeque<>();
    private boolean committed;

    public void push(Step step) {
        steps.push(step);
    }

    public void commit() {
        committed = true;
    }

    @Override
    public void close() {
        if (committed) return;
        while (!steps.isEmpty()) {
            try {
                steps.pop().run();
            } catch (Exception e) {
                // best effort: keep unwinding
            }
        }
    }
}
