package io.jcri.runtime.launch;

import io.jcri.runtime.ProcessSpec;
import io.jcri.runtime.sys.Native;
import io.jcri.runtime.sys.Sc;

import java.nio.file.Path;

/**
 * The fds a new process gets as 0-2 and the ends its parent keeps. All are O_CLOEXEC in the daemon; the child's
 * copies are made by posix_spawn's dup2 actions. A tty's pair is opened later, inside the container's devpts.
 */
public final class Stdio {
    final int[] child = {-1, -1, -1};
    public int stdinWrite = -1;
    public int stdoutRead = -1;
    public int stderrRead = -1;
    public int ptyMaster = -1;
    int ptySlave = -1;
    final boolean tty;

    private Stdio(boolean tty) {
        this.tty = tty;
    }

    public static Stdio open(ProcessSpec spec) {
        return open(spec, null);
    }

    /**
     * @param fifoDir when not null, stdout/stderr that are not files go through named FIFOs there instead of
     *                anonymous pipes, so that a restarted daemon can reopen them ({@link #reopenOutput}); so does
     *                a stdin kept open for the container's life (stdin without stdin_once: {@link #reopenInput})
     */
    public static Stdio open(ProcessSpec spec, Path fifoDir) {
        Stdio s = new Stdio(spec.tty());
        try {
            if (spec.tty()) return s;
            if (spec.stdin() && !spec.stdinOnce() && fifoDir != null) {
                Path fifo = fifo(fifoDir, "stdin");
                // Read-write, like the output FIFOs' container ends: the container then never reads EOF when the
                // daemon dies (without stdin_once, stdin stays open for the container's life anyway).
                s.child[0] = Native.open(fifo.toString(), Sc.O_RDWR, 0);
                s.stdinWrite = reopenInput(fifo);
            } else if (spec.stdin()) {
                int[] p = Native.pipe();
                s.child[0] = p[0];
                s.stdinWrite = p[1];
            } else {
                s.child[0] = Native.open("/dev/null", Sc.O_RDONLY, 0);
            }
            s.child[1] = output(spec.stdoutFile(), s, true, fifoDir);
            s.child[2] = output(spec.stderrFile(), s, false, fifoDir);
            return s;
        } catch (RuntimeException e) {
            s.closeChildEnds();
            s.closeParentEnds();
            throw e;
        }
    }

    private static int output(Path file, Stdio s, boolean out, Path fifoDir) {
        if (file != null) return Native.open(file.toString(), Sc.O_WRONLY | Sc.O_CREAT | Sc.O_APPEND, 0640);
        if (fifoDir != null) {
            Path fifo = fifo(fifoDir, out ? "stdout" : "stderr");
            int read = reopenOutput(fifo);
            if (out) s.stdoutRead = read;
            else s.stderrRead = read;
            // The container's end is read-write: the FIFO then always has a reader (the container itself), so a
            // daemon that dies never turns the container's next write into SIGPIPE; the writes wait in the pipe
            // buffer until the restarted daemon reopens the FIFO.
            return Native.open(fifo.toString(), Sc.O_RDWR, 0);
        }
        int[] p = Native.pipe();
        if (out) s.stdoutRead = p[0];
        else s.stderrRead = p[0];
        return p[1];
    }

    private static Path fifo(Path dir, String name) {
        Path fifo = dir.resolve(name);
        try {
            java.nio.file.Files.deleteIfExists(fifo);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Native.check(Native.C.mkfifo(fifo.toString(), 0600), "mkfifo " + fifo);
        return fifo;
    }

    /**
     * The daemon's (blocking, close-on-exec) write end of a stdin FIFO whose container end is open: O_NONBLOCK
     * only for the open, which would otherwise wait for a reader.
     */
    public static int reopenInput(Path fifo) {
        int fd = Native.open(fifo.toString(), Sc.O_WRONLY | Sc.O_NONBLOCK, 0);
        Native.check(Native.C.fcntl(fd, 4 /* F_SETFL */, Sc.O_WRONLY), "clear O_NONBLOCK");
        return fd;
    }

    /** The daemon's (blocking, close-on-exec) read end of an output FIFO; never waits for a writer. */
    public static int reopenOutput(Path fifo) {
        int fd = Native.open(fifo.toString(), Sc.O_RDONLY | Sc.O_NONBLOCK, 0);
        Native.check(Native.C.fcntl(fd, 4 /* F_SETFL */, Sc.O_RDONLY), "clear O_NONBLOCK");
        return fd;
    }

    /** Opens a pty pair from the devpts instance whose ptmx is at {@code ptmxPath}; returns the slave's number. */
    int openPty(String ptmxPath, boolean alsoSlave, String ptsDir) {
        ptyMaster = Native.C.open(ptmxPath, Sc.O_RDWR | Sc.O_NOCTTY | Sc.O_CLOEXEC, 0);
        if (ptyMaster < 0) return -Native.errno();
        int[] n = {0};
        if (Native.C.ioctl(ptyMaster, Sc.TIOCSPTLCK, n) < 0) return -Native.errno();
        if (Native.C.ioctl(ptyMaster, Sc.TIOCGPTN, n) < 0) return -Native.errno();
        if (alsoSlave) {
            ptySlave = Native.C.open(ptsDir + "/" + n[0], Sc.O_RDWR | Sc.O_NOCTTY | Sc.O_CLOEXEC, 0);
            if (ptySlave < 0) return -Native.errno();
        }
        return n[0];
    }

    /** After the spawn: the child holds its copies. */
    void closeChildEnds() {
        for (int i = 0; i < 3; i++) {
            Native.closeQuietly(child[i]);
            child[i] = -1;
        }
        Native.closeQuietly(ptySlave);
        ptySlave = -1;
    }

    public void closeParentEnds() {
        Native.closeQuietly(stdinWrite);
        Native.closeQuietly(stdoutRead);
        Native.closeQuietly(stderrRead);
        Native.closeQuietly(ptyMaster);
        stdinWrite = stdoutRead = stderrRead = ptyMaster = -1;
    }
}
