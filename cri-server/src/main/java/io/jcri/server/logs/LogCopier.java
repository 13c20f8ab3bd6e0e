package io.jcri.server.logs;

import java.io.IOException;
import java.io.InputStream;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Copies one stream of a container, read from an {@link InputStream} on the calling thread, into its log file as
 * CRI entries (see {@link LogLines}). The daemon's own containers are read by the runtime's single output reader
 * instead ({@code ContainerLogs}); this is the same for a plain stream.
 */
public final class LogCopier implements Runnable {
    private static final Logger LOG = Logger.getLogger(LogCopier.class.getName());

    private final InputStream in;
    private final LogStream stream;
    private final ContainerLogFile log;
    private final LogLines lines;

    public LogCopier(InputStream in, LogStream stream, ContainerLogFile log, int maxLineBytes) {
        this.in = in;
        this.stream = stream;
        this.log = log;
        this.lines = new LogLines(stream, log, maxLineBytes);
    }

    @Override
    public void run() {
        byte[] buf = new byte[32 * 1024];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                lines.write(buf, 0, n);
            }
            lines.finish();
        } catch (IOException e) {
            // EIO on a pty master when the container's side closes is the normal end of a tty stream
            LOG.log(Level.FINE, "log copy of " + stream.criName() + " to " + log.path() + " ended: " + e.getMessage());
            try {
                lines.finish();
            } catch (IOException ignored) {
                // the log file itself is gone
            }
        }
    }
}
