package io.jcri.server.logs;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Lets Attach clients see a container's output while its log keeps getting it: the output's reader hands every
 * chunk to a tap that passes it on to the container's listeners. Listeners run on the
 * reader's thread, shared by every container, and must not block (they queue or drop); a throwing listener is
 * removed, never the log.
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

    /** One output stream of a container as its reader sees it: every chunk read, then its end. */
    public final class Tap {
        private final String containerId;
        private final LogStream stream;
        private boolean ended;

        private Tap(String containerId, LogStream stream) {
            this.containerId = containerId;
            this.stream = stream;
        }

        /** Hands a chunk read from the stream to the container's listeners. */
        public void output(byte[] b, int off, int len) {
            for (Listener l : listeners.getOrDefault(containerId, List.of())) {
                try {
                    l.output(stream, b, off, len);
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "attach listener of " + containerId + " failed", e);
                    unsubscribe(containerId, l);
                }
            }
        }

        /** The stream ended; once every stream of the container did, its listeners are told. Idempotent. */
        public synchronized void end() {
            if (ended) {
                return;
            }
            ended = true;
            ended(containerId, stream);
        }
    }

    /** Opens one output stream of a container for its listeners; its reader reports to the tap. */
    public Tap tap(String containerId, LogStream stream) {
        open.computeIfAbsent(containerId, k -> EnumSet.noneOf(LogStream.class)).add(stream);
        return new Tap(containerId, stream);
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
