package io.jcri.runtime;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The daemon's ends of a container or exec process's stdio. Null streams were not requested (stdout/stderr that
 * went to files, stdin not kept open). With a tty, {@code stdout} and {@code stdin} are the pty master and
 * {@code stderr} is null.
 */
public record ProcessIO(OutputStream stdin, InputStream stdout, InputStream stderr) implements Closeable {
    @Override
    public void close() throws IOException {
        if (stdin != null) stdin.close();
        if (stdout != null) stdout.close();
        if (stderr != null) stderr.close();
    }
}
