package io.jcri.server.container;

import io.jcri.runtime.ProcessIO;
import io.jcri.server.logs.ContainerLogFile;
import io.jcri.server.logs.CriLogFormat;
import io.jcri.server.logs.LogCopier;
import io.jcri.server.logs.LogStream;
import io.jcri.server.logs.OutputFanout;
import io.jcri.server.store.Container;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * The running containers' log files and the copiers that fill them from the containers' stdout and stderr. A
 * container without a log path still has its output drained, so it never blocks on a full pipe.
 */
public final class ContainerLogs {
    private static final Logger LOG = Logger.getLogger(ContainerLogs.class.getName());
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Map<String, ContainerLogFile> files = new ConcurrentHashMap<>();
    private final Map<String, OutputStream> stdins = new ConcurrentHashMap<>();
    private final OutputFanout fanout = new OutputFanout();

    /** Starts copying the container's output; the copier threads end when the container's streams close. */
    public void attach(Container container, ProcessIO io) {
        ContainerLogFile file = null;
        if (container.logPath() != null) {
            try {
                file = new ContainerLogFile(container.logPath());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open log " + container.logPath() + " of container "
                        + container.id(), e);
            }
            files.put(container.id(), file);
        }
        if (io.stdin() != null) {
            stdins.put(container.id(), io.stdin());
        }
        copy(container.id(), io.stdout(), LogStream.STDOUT, file);
        copy(container.id(), io.stderr(), LogStream.STDERR, file);
    }

    private void copy(String id, InputStream out, LogStream stream, ContainerLogFile file) {
        if (out == null) {
            return;
        }
        InputStream in = fanout.tee(id, stream, out);
        Runnable task = file != null
                ? new LogCopier(in, stream, file, CriLogFormat.DEFAULT_MAX_LINE_BYTES)
                : () -> discard(in);
        Thread t = new Thread(task, "jcri-log-" + THREADS.incrementAndGet() + "-" + id.substring(0, 12));
        t.setDaemon(true);
        t.start();
    }

    private static void discard(InputStream in) {
        byte[] buf = new byte[8192];
        try (in) {
            while (in.read(buf) >= 0) {
                // output nobody asked to keep
            }
        } catch (IOException ignored) {
            // the container's side closed
        }
    }

    /** The running containers' output for Attach clients (the log keeps getting it too). */
    public OutputFanout output() {
        return fanout;
    }

    /** The container's stdin, if it was created with stdin open (for Attach). */
    public Optional<OutputStream> stdin(String containerId) {
        return Optional.ofNullable(stdins.get(containerId));
    }

    /** ReopenContainerLog: false when the container has no open log. */
    public boolean reopen(String containerId) throws IOException {
        ContainerLogFile file = files.get(containerId);
        if (file == null) {
            return false;
        }
        file.reopen();
        return true;
    }

    /** Closes the container's log (after it was removed). */
    public void close(String containerId) {
        ContainerLogFile file = files.remove(containerId);
        OutputStream stdin = stdins.remove(containerId);
        try {
            if (stdin != null) {
                stdin.close();
            }
            if (file != null) {
                file.close();
            }
        } catch (IOException e) {
            LOG.fine("closing the log of " + containerId + ": " + e.getMessage());
        }
    }
}
