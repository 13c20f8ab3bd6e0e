package io.jcri.server.logs;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * A container's log file at its CRI {@code log_path}. Entries from stdout and stderr are written whole, one
 * at a time. {@link #reopen()} implements {@code ReopenContainerLog}: kubelet renames the file away, then asks
 * for a new one at the same path; no entry is lost or split across the two files.
 */
public final class ContainerLogFile implements AutoCloseable {
    private final Path path;
    private final Supplier<Instant> clock;
    private OutputStream out;

    public ContainerLogFile(Path path) throws IOException {
        this(path, Instant::now);
    }

    ContainerLogFile(Path path, Supplier<Instant> clock) throws IOException {
        this.path = path;
        this.clock = clock;
        this.out = open(path);
    }

    private static OutputStream open(Path path) throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        return Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
    }

    public Path path() {
        return path;
    }

    /** Writes one entry; {@code content} must not contain the newline that ends it. */
    public synchronized void write(LogStream stream, boolean partial, byte[] content, int offset, int length)
            throws IOException {
        if (out == null) {
            throw new IOException("log " + path + " is closed");
        }
        byte[] prefix = CriLogFormat.prefix(clock.get(), stream, partial);
        byte[] entry = new byte[prefix.length + length + 1];
        System.arraycopy(prefix, 0, entry, 0, prefix.length);
        System.arraycopy(content, offset, entry, prefix.length, length);
        entry[entry.length - 1] = '\n';
        out.write(entry);
    }

    /** Closes the current file and opens a new one at the same path (after kubelet renamed the old one). */
    public synchronized void reopen() throws IOException {
        OutputStream fresh = open(path);
        OutputStream old = out;
        out = fresh;
        if (old != null) {
            old.close();
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (out != null) {
            out.close();
            out = null;
        }
    }
}
