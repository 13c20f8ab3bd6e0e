package io.jcri.server.container;

import io.jcri.runtime.OutputReader;
import io.jcri.runtime.ProcessIO;
import io.jcri.server.logs.ContainerLogFile;
import io.jcri.server.logs.CriLogFormat;
import io.jcri.server.logs.LogLines;
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
import java.util.logging.Logger;

/**
 * The running containers' log files, filled from the containers' stdout and stderr by the runtime's one output
 * reader (no thread per container). A container without a log path still has its output drained, so it never
 * blocks on a full pipe.
 */
public final class ContainerLogs {
    private static final Logger LOG = Logger.getLogger(ContainerLogs.class.getName());

    private final Map<String, ContainerLogFile> files = new ConcurrentHashMap<>();
    private final Map<String, OutputStream> stdins = new ConcurrentHashMap<>();
    private final OutputFanout fanout = new OutputFanout();

    /** Starts copying the container's output, until the container's streams close. */
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
        OutputFanout.Tap tap = fanout.tap(id, stream);
        LogLines lines = file == null ? null : new LogLines(stream, file, CriLogFormat.DEFAULT_MAX_LINE_BYTES);
        // without a log file the output is still read (and dropped), so the container never blocks on a full pipe
        OutputReader.shared().read(out, new OutputReader.Sink() {
            @Override
            public void output(byte[] b, int off, int len) throws IOException {
                tap.output(b, off, len);
                if (lines != null) {
                    lines.write(b, off, len);
                }
            }

            @Override
            public void ended() {
                try {
                    if (lines != null) {
                        lines.finish();
                    }
                } catch (IOException e) {
                    LOG.fine("the last line of " + stream.criName() + " of " + id + " is lost: " + e.getMessage());
                } finally {
                    tap.end();
                }
            }
        });
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
