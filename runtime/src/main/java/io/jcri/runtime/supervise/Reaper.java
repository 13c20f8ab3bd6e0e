package io.jcri.runtime.supervise;

import io.jcri.runtime.sys.Native;
import io.jcri.runtime.sys.Sc;
import jnr.ffi.Pointer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One thread that waits for every supervised process through its pidfd (poll for POLLIN) and collects exactly
 * that process with waitid(P_PIDFD): never waitpid(-1), which would steal the JDK's own children. Processes the
 * daemon did not spawn itself (found again after a restart) cannot be waited for; their status comes from
 * PIDFD_GET_INFO (kernel 6.13+), which the kernel keeps for a pidfd opened before the exit.
 */
public final class Reaper implements AutoCloseable {
    private static final long PIDFD_GET_INFO = 0xC040FF0BL; // _IOWR(0xFF, 11, struct pidfd_info[64])
    private static final long PIDFD_INFO_EXIT = 0x8;

    private final Map<Integer, CompletableFuture<Exit>> watched = new ConcurrentHashMap<>();
    private final int[] wake = Native.pipe();
    private final Thread thread;
    private volatile boolean closed;

    public Reaper() {
        thread = new Thread(this::loop, "jcri-reaper");
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts watching {@code pidfd}; the future completes once the process exited (and, if a child, is reaped). */
    public CompletableFuture<Exit> watch(int pidfd) {
        CompletableFuture<Exit> f = new CompletableFuture<>();
        watched.put(pidfd, f);
        poke();
        return f;
    }

    private void poke() {
        Native.C.write(wake[1], new byte[] {1}, 1);
    }

    private void loop() {
        Pointer siginfo = Native.allocate(128);
        Pointer info = Native.allocate(64);
        byte[] drain = new byte[64];
        while (!closed) {
            List<Integer> fds = new ArrayList<>(watched.keySet());
            Pointer pfds = Native.allocate(8L * (fds.size() + 1));
            pfds.putInt(0, wake[0]);
            pfds.putShort(4, Sc.POLLIN);
            for (int i = 0; i < fds.size(); i++) {
                pfds.putInt(8L * (i + 1), fds.get(i));
                pfds.putShort(8L * (i + 1) + 4, Sc.POLLIN);
            }
            int n = Native.C.poll(pfds, fds.size() + 1, -1);
            if (n < 0) continue; // EINTR
            if (pfds.getShort(6) != 0) Native.C.read(wake[0], drain, drain.length);
            for (int i = 0; i < fds.size(); i++) {
                if (pfds.getShort(8L * (i + 1) + 6) == 0) continue;
                int fd = fds.get(i);
                CompletableFuture<Exit> f = watched.remove(fd);
                if (f != null) f.complete(collect(fd, siginfo, info));
            }
        }
    }

    private static Exit collect(int pidfd, Pointer siginfo, Pointer info) {
        Instant now = Instant.now();
        siginfo.setMemory(0, 128, (byte) 0);
        long rc = Native.syscall(Sc.WAITID, Sc.P_PIDFD, pidfd, siginfo.address(), Sc.WEXITED, 0, 0);
        if (rc == 0) {
            int code = siginfo.getInt(8), status = siginfo.getInt(24);
            if (code == Sc.CLD_EXITED) return new Exit(status, 0, now, true);
            return new Exit(128 + status, status, now, true);
        }
        return exitInfo(pidfd, info, now);
    }

    /** The exit status of a process that is not our child (needs kernel 6.13+). */
    public static Exit exitInfo(int pidfd, Pointer info, Instant at) {
        info.setMemory(0, 64, (byte) 0);
        info.putLong(0, PIDFD_INFO_EXIT);
        if (Native.C.ioctl(pidfd, PIDFD_GET_INFO, info.address()) == 0 && (info.getLong(0) & PIDFD_INFO_EXIT) != 0) {
            return Exit.fromWaitStatus(info.getInt(60), at);
        }
        return new Exit(255, 0, at, false);
    }

    @Override
    public void close() {
        closed = true;
        poke();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Native.closeQuietly(wake[0]);
        Native.closeQuietly(wake[1]);
    }
}
