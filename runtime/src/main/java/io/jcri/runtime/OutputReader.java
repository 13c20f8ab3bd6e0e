package io.jcri.runtime;

import io.jcri.runtime.sys.Native;
import io.jcri.runtime.sys.Sc;
import jnr.ffi.Pointer;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One thread that reads the output of every running container (stdout/stderr pipes and FIFOs, pty masters) through
 * epoll and hands each chunk to its stream's {@link Sink}, instead of a thread per stream: StartContainer then starts
 * no thread for the output (two thread starts were up to 11 ms of it on a loaded host) and a running container holds
 * no thread stack. Sinks run on this thread, one chunk at a time, and must not block (a log file on local disk;
 * attach listeners queue or drop). A stream that is not one of the runtime's fd streams gets a thread of its own.
 */
public final class OutputReader {
    private static final Logger LOG = Logger.getLogger(OutputReader.class.getName());
    private static final long EPOLL_CREATE1 = 291, EPOLL_CTL = 233, EPOLL_WAIT = 232;
    private static final int EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLLIN = 1;
    private static final int EPOLL_CLOEXEC = Sc.O_CLOEXEC;
    /** x86_64's struct epoll_event is packed: u32 events, u64 data. */
    private static final int EVENT_BYTES = 12, MAX_EVENTS = 64;
    private static final int F_GETFL = 3, F_SETFL = 4, EIO = 5;
    private static final long TCGETS = 0x5401;
    private static final int CHUNK = 32 * 1024;

    /** Where a stream's output goes. */
    public interface Sink {
        /** A chunk as read; an exception ends the stream. */
        void output(byte[] b, int off, int len) throws IOException;

        /** The stream ended (end of file, the pty's other side closed, a read or the sink failed); called once. */
        void ended();
    }

    private record Stream(int fd, Sink sink) {}

    private static final class Holder {
        static final OutputReader SHARED = new OutputReader();
    }

    private final int epfd;
    private final int[] wake = Native.pipe();
    private final ConcurrentLinkedQueue<Stream> added = new ConcurrentLinkedQueue<>();
    /** By fd; touched by the reader thread only. */
    private final Map<Integer, Stream> streams = new HashMap<>();
    private final byte[] chunk = new byte[CHUNK];
    private final Pointer scratch = Native.allocate(64); // one epoll_event, or a termios for the tty check

    OutputReader() {
        epfd = (int) Native.check(Native.syscall(EPOLL_CREATE1, EPOLL_CLOEXEC, 0, 0, 0, 0, 0), "epoll_create1");
        nonBlocking(wake[1]); // a wake-up never waits: one byte in the pipe is as good as many
        control(EPOLL_CTL_ADD, wake[0]);
        Thread t = new Thread(this::loop, "jcri-output");
        t.setDaemon(true);
        t.start();
    }

    /** The daemon's reader (started on first use). */
    public static OutputReader shared() {
        return Holder.SHARED;
    }

    /**
     * Reads {@code in} until it ends, taking it over (the caller must not read or close it any more): on this
     * reader's thread for the runtime's fd streams, on a thread of its own otherwise.
     */
    public void read(InputStream in, Sink sink) {
        if (in instanceof FdStreams.FdInputStream fdStream) {
            int fd = fdStream.release();
            if (fd < 0) {
                ended(sink);
                return;
            }
            added.add(new Stream(fd, sink));
            Native.C.write(wake[1], new byte[] {1}, 1);
            return;
        }
        Thread t = new Thread(() -> pump(in, sink), "jcri-output-stream");
        t.setDaemon(true);
        t.start();
    }

    private void loop() {
        Pointer events = Native.allocate((long) EVENT_BYTES * MAX_EVENTS);
        byte[] drain = new byte[64];
        while (true) {
            long n = Native.syscall(EPOLL_WAIT, epfd, events.address(), MAX_EVENTS, -1, 0, 0);
            if (n < 0) continue; // EINTR
            boolean woken = false;
            for (int i = 0; i < n; i++) {
                int fd = (int) events.getLong((long) i * EVENT_BYTES + 4);
                if (fd == wake[0]) {
                    woken = true;
                    Native.C.read(wake[0], drain, drain.length);
                    continue;
                }
                Stream s = streams.get(fd);
                if (s != null) readOnce(s);
            }
            // after the batch: an fd closed in it and reused by a new stream must not get the old one's event
            if (woken) {
                for (Stream s; (s = added.poll()) != null; ) add(s);
            }
        }
    }

    private void add(Stream s) {
        // Non-blocking, so that the first read below returns at once: an output FIFO whose writers are all gone
        // (a container that ended just as a restarted daemon reopened it) reads end of file but never polls
        // readable. Not a pty master, whose open file description the container's stdin shares (a dup): there a
        // read only follows readiness, which a single reader keeps true.
        boolean tty = Native.C.ioctl(s.fd(), TCGETS, scratch.address()) == 0;
        if (control(EPOLL_CTL_ADD, s.fd()) < 0) {
            LOG.log(Level.WARNING, "cannot poll output fd " + s.fd() + " (errno " + Native.errno()
                    + "): reading it on a thread of its own");
            InputStream in = FdStreams.in(s.fd());
            Thread t = new Thread(() -> pump(in, s.sink()), "jcri-output-stream");
            t.setDaemon(true);
            t.start();
            return;
        }
        streams.put(s.fd(), s);
        if (!tty) {
            nonBlocking(s.fd());
            readOnce(s);
        }
    }

    private void readOnce(Stream s) {
        long n = Native.C.read(s.fd(), chunk, CHUNK);
        if (n > 0) {
            try {
                s.sink().output(chunk, 0, (int) n);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "output of fd " + s.fd() + " ends: " + e.getMessage());
                end(s);
            }
            return;
        }
        if (n < 0) {
            int err = Native.errno();
            if (err == Sc.EAGAIN || err == Sc.EINTR) return;
            if (err != EIO) LOG.log(Level.FINE, "read output fd " + s.fd() + ": errno " + err);
        }
        end(s); // end of file, or EIO: the pty's container side closed
    }

    private void end(Stream s) {
        streams.remove(s.fd());
        // explicitly: a pty master's dup (the container's stdin) keeps the registration alive past close
        control(EPOLL_CTL_DEL, s.fd());
        Native.closeQuietly(s.fd());
        ended(s.sink());
    }

    private static void nonBlocking(int fd) {
        int flags = Native.C.fcntl(fd, F_GETFL, 0);
        if (flags >= 0) Native.C.fcntl(fd, F_SETFL, flags | Sc.O_NONBLOCK);
    }

    private int control(int op, int fd) {
        scratch.putInt(0, EPOLLIN);
        scratch.putLong(4, fd);
        return (int) Native.syscall(EPOLL_CTL, epfd, op, fd, scratch.address(), 0, 0);
    }

    private static void ended(Sink sink) {
        try {
            sink.ended();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "output sink failed at its end", e);
        }
    }

    private static void pump(InputStream in, Sink sink) {
        byte[] buf = new byte[CHUNK];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (n > 0) sink.output(buf, 0, n);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "output stream ends: " + e.getMessage());
        } finally {
            ended(sink);
        }
    }
}
