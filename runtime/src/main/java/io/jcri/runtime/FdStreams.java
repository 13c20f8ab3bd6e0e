package io.jcri.runtime;

import io.jcri.runtime.sys.Native;
import io.jcri.runtime.sys.Sc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicInteger;

/** Java streams over raw fds (pipes, pty masters) that the stream owns and closes. */
final class FdStreams {
    private FdStreams() {}

    static InputStream in(int fd) {
        if (fd < 0) return null;
        return new FdInputStream(fd);
    }

    /** An input stream over one fd; {@link OutputReader} takes the fd over from it (see {@link #release}). */
    static final class FdInputStream extends InputStream {
        private final AtomicInteger owned;

        FdInputStream(int fd) {
            owned = new AtomicInteger(fd);
        }

        /** The fd, now the caller's to read and close (-1 if the stream was closed); the stream reads nothing more. */
        int release() {
            return owned.getAndSet(-1);
        }

        @Override
        public int read() throws IOException {
            byte[] b = new byte[1];
            int n = read(b, 0, 1);
            return n <= 0 ? -1 : b[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int f = owned.get();
            if (f < 0) throw new IOException("closed");
            if (len == 0) return 0;
            byte[] buf = off == 0 ? b : new byte[len];
            while (true) {
                long n = Native.C.read(f, buf, len);
                if (n < 0) {
                    int err = Native.errno();
                    if (err == Sc.EINTR) continue;
                    if (err == 5 /* EIO: pty slave closed */) return -1;
                    throw new IOException("read fd " + f + ": errno " + err);
                }
                if (n == 0) return -1;
                if (buf != b) System.arraycopy(buf, 0, b, off, (int) n);
                return (int) n;
            }
        }

        @Override
        public void close() {
            Native.closeQuietly(owned.getAndSet(-1));
        }
    }

    static OutputStream out(int fd) {
        if (fd < 0) return null;
        AtomicInteger owned = new AtomicInteger(fd);
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                int f = owned.get();
                if (f < 0) throw new IOException("closed");
                while (len > 0) {
                    byte[] chunk = off == 0 ? b : java.util.Arrays.copyOfRange(b, off, off + len);
                    long n = Native.C.write(f, chunk, len);
                    if (n < 0) {
                        int err = Native.errno();
                        if (err == Sc.EINTR) continue;
                        throw new IOException("write fd " + f + ": errno " + err);
                    }
                    off += (int) n;
                    len -= (int) n;
                    if (off > 0 && len > 0) {
                        b = java.util.Arrays.copyOfRange(b, off, off + len);
                        off = 0;
                    }
                }
            }

            @Override
            public void close() {
                Native.closeQuietly(owned.getAndSet(-1));
            }
        };
    }
}
