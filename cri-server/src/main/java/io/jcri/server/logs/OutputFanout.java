package io.jcri.server.logs;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Lets Attach clients see a container's output while its log keeps getting it: the log copier reads through a
 * tee that hands every chunk to the container's listeners. Listeners run on the copier's thread and must not
 * block (they queue or drop); a throwing listener is removed, never the log.
 */
public final class OutputFanout {
    private static final Logger LOG = Logger.getLogger(OutputFanout.class.getName());

    /** Receives a container's output; must return quickly. */
    public interface Listener {
        void output(LogStream stream, byte[] b, int off, int len);

        /** Every output stream of the container has ended (it exited). */
        void ended();
    }

    private final Map<String, Set<LogStream>> open = new ConcurrentHashMap<>();
    private final Map<String, List<Listener>> listeners = new ConcurrentHashMap<>();

    /** Wraps one output stream of a container so that its listeners see what is read from it. */
    public InputStream tee(String containerId, LogStream stream, InputStream in) {
        open.computeIfAbsent(containerId, k -> EnumSet.noneOf(LogStream.class)).add(stream);
        return new FilterInputStream(in) {
            private boolean ended;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n;
                try {
                    n = super.read(b, off, len);
                } catch (IOException e) {
                    end();
                    throw e;
                }
                if (n > 0) {
                    for (Listener l : listeners.getOrDefault(containerId, List.of())) {
                        try {
                            l.output(stream, b, off, n);
                        } catch (RuntimeException e) {
                            LOG.log(Level.FINE, "attach listener of " + containerId + " failed", e);
                            unsubscribe(containerId, l);
                        }
                    }
                } else if (n < 0) {
                    end();
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                end();
                super.close();
            }

            private synchronized void end() {
                if (ended) {
                    return;
                }
                ended = true;
                ended(containerId, stream);
            }
        };
    }

    private void ended(String containerId, LogStream stream) {
        boolean last;
        synchronized (open) {
            Set<LogStream> s = open.get(containerId);
            if (s == null) {
                return;
            }
            s.remove(stream);
            last = s.isEmpty();
            if (last) {
                open.remove(containerId);
            }
        }
        if (last) {
            List<Listener> ls = listeners.remove(containerId);
            if (ls != null) {
                ls.forEach(l -> {
                    try {
                        l.ended();
                    } catch (RuntimeException e) {
                        LOG.log(Level.FINE, "attach listener of " + containerId + " failed at end", e);
                    }
                });
            }
        }
    }

    /** Adds a listener; false (and nothing added) when the container has no live output streams. */
    public boolean subscribe(String containerId, Listener l) {
        synchronized (open) {
            Set<LogStream> s = open.get(containerId);
            if (s == null || s.isEmpty()) {
                return false;
            }
            listeners.computeIfAbsent(containerId, k -> new CopyOnWriteArrayList<>()).add(l);
            return true;
        }
    }

    public void unsubscribe(String containerId, Listener l) {
        List<Listener> ls = listeners.get(containerId);
        if (ls != null) {
            ls.remove(l);
        }
    }
}
