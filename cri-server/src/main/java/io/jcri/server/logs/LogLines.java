package io.jcri.server.logs;

import java.io.IOException;

/**
 * Turns one stream of a container's output, chunk by chunk as it is read, into CRI entries of its log file: one
 * {@code F} entry per line, lines longer than the maximum split into {@code P} entries, a trailing {@code \r} (tty
 * output) dropped, an unterminated last line written as {@code F} by {@link #finish()}.
 */
public final class LogLines {
    private final LogStream stream;
    private final ContainerLogFile log;
    private final int maxLineBytes;
    private final byte[] line;
    private int used;

    public LogLines(LogStream stream, ContainerLogFile log, int maxLineBytes) {
        this.stream = stream;
        this.log = log;
        this.maxLineBytes = maxLineBytes;
        this.line = new byte[maxLineBytes];
    }

    /** The next chunk of the stream; writes the entries it completes. */
    public void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            byte c = b[i];
            if (c == '\n') {
                int n = used > 0 && line[used - 1] == '\r' ? used - 1 : used;
                used = 0;
                log.write(stream, false, line, 0, n);
            } else {
                if (used == maxLineBytes) {
                    used = 0;
                    log.write(stream, true, line, 0, maxLineBytes);
                }
                line[used++] = c;
            }
        }
    }

    /** The stream ended: its unterminated last line, if any, becomes a full entry. */
    public void finish() throws IOException {
        if (used > 0) {
            int n = used;
            used = 0;
            log.write(stream, false, line, 0, n);
        }
    }
}
