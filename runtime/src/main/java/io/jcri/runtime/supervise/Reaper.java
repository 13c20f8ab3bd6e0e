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
 * PIDFD_GET_INFO (kernel 6.13+, once someone reaped them) or, while they are unreaped zombies, from
 * /proc/pid/stat. Reaping them is the job of the subreaper the deployment puts above the daemon.
 */
public final class Reaper implements AutoCloseable {
    private static final long PIDFD_GET_INFO = 0xC040FF0BL; // _IOWR(0xFF, 11, struct pidfd_info[64])
    private static final long PIDFD_INFO_EXIT = 0x8;

    /** How long an adopted process's exit may take to reach the exit log after its pidfd reported it. */
    private static final long LOG_WAIT_NANOS = 2_000_000_000L;

    private record Adopted(long pid, long startTicks) {}

    private final Map<Integer, CompletableFuture<Exit>> watched = new ConcurrentHashMap<>();
    private final Map<Integer, Adopted> adopted = new ConcurrentHashMap<>();
    private final ExitLog exitLog;
    private final int[] wake = Native.pipe();
    private final Thread thread;
    private volatile boolean closed;

    /** @param exitLog the subreaper's records, or null when the daemon runs without one */
    public Reaper(ExitLog exitLog) {
        this.exitLog = exitLog;
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

    /**
     * Watches a process that is not our child (a container of a previous daemon), started at {@code startTicks}
     * (field 22 of /proc/pid/stat).
     */
    public CompletableFuture<Exit> watchAdopted(int pidfd, long pid, long startTicks) {
        adopted.put(pidfd, new Adopted(pid, startTicks));
        return watch(pidfd);
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
                Adopted a = adopted.remove(fd);
                if (f != null) f.complete(a == null ? collect(fd, siginfo, info) : collectAdopted(fd, a, siginfo, info));
            }
        }
    }

    /**
     * An adopted process that exited: a zombie until the subreaper reaps it, then known to PIDFD_GET_INFO (6.13+)
     * and, a moment later, to the exit log.
     */
    private Exit collectAdopted(int pidfd, Adopted a, Pointer siginfo, Pointer info) {
        Exit reaped = reap(pidfd, siginfo);
        if (reaped != null) return reaped; // this JVM is the subreaper itself
        long deadline = System.nanoTime() + LOG_WAIT_NANOS;
        while (true) {
            Instant now = Instant.now();
            Exit e = zombieStatus(pidfd, now);
            if (e.known()) return e;
            e = exitInfo(pidfd, info, now);
            if (e.known()) return e;
            if (exitLog != null) {
                java.util.Optional<Exit> logged = exitLog.find(a.pid(), a.startTicks());
                if (logged.isPresent()) return logged.get();
            }
            if (exitLog == null || System.nanoTime() > deadline) return new Exit(255, 0, now, false);
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L); // the subreaper is writing the record
        }
    }

    private static Exit collect(int pidfd, Pointer siginfo, Pointer info) {
        Exit reaped = reap(pidfd, siginfo);
        if (reaped != null) return reaped;
        Instant now = Instant.now();
        Exit e = exitInfo(pidfd, info, now);
        return e.known() ? e : zombieStatus(pidfd, now);
    }

    /** waitid(P_PIDFD): the exit of our own child, or null if the process is not our child. */
    private static Exit reap(int pidfd, Pointer siginfo) {
        Instant now = Instant.now();
        siginfo.setMemory(0, 128, (byte) 0);
        if (Native.syscall(Sc.WAITID, Sc.P_PIDFD, pidfd, siginfo.address(), Sc.WEXITED, 0, 0) != 0) return null;
        int code = siginfo.getInt(8), status = siginfo.getInt(24);
        if (code == Sc.CLD_EXITED) return new Exit(status, 0, now, true);
        return new Exit(128 + status, status, now, true);
    }

    /**
     * A non-child that nobody reaped yet (e.g. its new parent does not reap orphans): a zombie still carries its
     * wait status in /proc/pid/stat (field 52). The pidfd names the process; fdinfo gives its pid, and a second
     * look after reading stat makes sure the pid was not reaped and reused in between.
     */
    static Exit zombieStatus(int pidfd, Instant at) {
        long pid = fdinfoPid(pidfd);
        if (pid <= 0) return new Exit(255, 0, at, false);
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            if (!f[0].equals("Z") || fdinfoPid(pidfd) != pid) return new Exit(255, 0, at, false);
            return Exit.fromWaitStatus(Integer.parseInt(f[f.length - 1].trim()), at);
        } catch (java.io.IOException | RuntimeException ex) {
            return new Exit(255, 0, at, false);
        }
    }

    private static long fdinfoPid(int pidfd) {
        try {
            for (String l : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/fdinfo/" + pidfd))) {
                if (l.startsWith("Pid:")) return Long.parseLong(l.substring(4).trim());
            }
        } catch (java.io.IOException | RuntimeException ex) {
            return -1;
        }
        return -1;
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
