package io.jcri.server.logs;

import java.io.IOException;
import java.io.InputStream;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Copies one stream of a container into its log file as CRI entries: one {@code F} entry per line, lines
 * longer than the maximum split into {@code P} entries, a trailing {@code \r} (tty output) dropped, an
 * unterminated last line written as {@code F} at end of stream. Reads as fast as the container writes; the
 * file is on local disk, so a slow log reader never blocks the container.
 */
public final class LogCopier implements Runnable {
    private static final Logger LOG = Logger.getLogger(LogCopier.class.getName());

    private final InputStream in;
    private final LogStream stream;
    private final ContainerLogFile log;
    private final int maxLineBytes;

    public LogCopier(InputStream in, LogStream stream, ContainerLogFile log, int maxLineBytes) {
        this.in = in;
        this.stream = stream;
        this.log = log;
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    public void run() {
        byte[] line = new byte[maxLineBytes];
        int used = 0;
        byte[] buf = new byte[32 * 1024];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == '\n') {
                        int len = used > 0 && line[used - 1] == '\r' ? used - 1 : used;
                        log.write(stream, false, line, 0, len);
                        used = 0;
                    } else {
                        if (used == maxLineBytes) {
                            log.write(stream, true, line, 0, used);
                            used = 0;
                        }
                        line[used++] = b;
                    }
                }
            }
            if (used > 0) {
                log.write(stream, false, line, 0, used);
            }
        } catch (IOException e) {
            // EIO on a pty master when the container's side closes is the normal end of a tty stream
            LOG.log(Level.FINE, "log copy of " + stream.criName() + " to " + log.path() + " ended: " + e.getMessage());
            if (used > 0) {
                try {
                    log.write(stream, false, line, 0, used);
                } catch (IOException ignored) {
                    // the log file itself is gone
                }
            }
        }
    }
}
