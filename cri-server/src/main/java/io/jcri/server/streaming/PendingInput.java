package io.jcri.server.streaming;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Client input (stdin, resizes) that may arrive before the process exists: kept in order and replayed once it
 * does. Thread-safe.
 */
final class PendingInput {
    private final List<Object> early = new ArrayList<>();
    private StdinWriter stdin;
    private BiConsumer<Integer, Integer> resize;
    private boolean connected;
    private boolean cancelled;

    private record Resize(int columns, int rows) {
    }

    private static final Object END = new Object();

    synchronized void connect(StdinWriter stdin, BiConsumer<Integer, Integer> resize) {
        this.stdin = stdin;
        this.resize = resize;
        connected = true;
        for (Object o : early) {
            dispatch(o);
        }
        early.clear();
        if (cancelled && stdin != null) {
            stdin.cancel();
        }
    }

    synchronized void stdin(ByteBuf data) {
        if (cancelled) {
            data.release();
        } else if (connected) {
            dispatch(data);
        } else {
            early.add(data);
        }
    }

    synchronized void stdinEnd() {
        if (connected) {
            dispatch(END);
        } else {
            early.add(END);
        }
    }

    synchronized void resize(int columns, int rows) {
        Resize r = new Resize(columns, rows);
        if (connected) {
            dispatch(r);
        } else {
            early.add(r);
        }
    }

    synchronized void cancel() {
        cancelled = true;
        if (connected && stdin != null) {
            stdin.cancel();
        }
        for (Object o : early) {
            if (o instanceof ByteBuf b) {
                b.release();
            }
        }
        early.clear();
    }

    private void dispatch(Object o) {
        if (o instanceof ByteBuf b) {
            if (stdin != null) {
                stdin.offer(b);
            } else {
                b.release();
            }
        } else if (o == END) {
            if (stdin != null) {
                stdin.end();
            }
        } else if (o instanceof Resize r && resize != null) {
            try {
                resize.accept(r.columns, r.rows);
            } catch (RuntimeException ignored) {
                // the tty is gone
            }
        }
    }
}
