package io.jcri.runtime.supervise;

import io.jcri.runtime.sys.Native;
import io.jcri.runtime.sys.NativeException;
import io.jcri.runtime.sys.Sc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Launch children an earlier JVM of this daemon left before their execve. posix_spawn's child shares the JVM's
 * memory and holds every fd of the JVM until it execs; a child held at the cgroup v2 gate (launch/CgroupGate) when
 * that JVM died waits for a gate writer that never comes. After the JVM's death it is the keeper's child
 * ({@code jcri-subreaper}), and it still holds the dead JVM's listening CRI socket (so the next daemon finds the
 * path "served" and refuses to start: systemd restarted jcri in a loop, seen in the VM tier) and its whole heap.
 *
 * <p>Such a child is recognised by what only it can be: a child of this JVM's keeper whose executable is this
 * JVM's own binary (it never exec'd) and that is not this JVM. Each is killed by PID through a pidfd (no reuse race)
 * and awaited, before the socket is claimed. Containers are children of the keeper too, but run their own binary.
 */
public final class UnfinishedLaunches {
    private static final Logger LOG = Logger.getLogger(UnfinishedLaunches.class.getName());
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private UnfinishedLaunches() {
    }

    /** Kills and awaits every unfinished launch of an earlier JVM; returns their pids (none without a keeper). */
    public static List<Long> killAll() {
        ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        if (parent == null || !comm(parent.pid()).equals("jcri-subreaper")) return List.of();
        Path self = exe(ProcessHandle.current().pid());
        if (self == null) return List.of();
        List<Long> killed = new ArrayList<>();
        for (long pid : children(parent.pid())) {
            if (pid == ProcessHandle.current().pid() || !self.equals(exe(pid))) continue;
            String name = comm(pid);
            if (kill(pid)) {
                killed.add(pid);
                LOG.warning("killed process " + pid + " (" + name + "): a container launch an earlier jcri JVM"
                        + " did not finish before it died, still holding that JVM's files and memory");
            }
        }
        return killed;
    }

    private static boolean kill(long pid) {
        int pidfd;
        try {
            pidfd = Native.pidfdOpen(pid, 0);
        } catch (NativeException e) {
            return false; // gone already
        }
        try {
            if (Native.C.syscall(Sc.PIDFD_SEND_SIGNAL, pidfd, Sc.SIGKILL, 0, 0, 0, 0) != 0) return false;
            // readable once it exited: its fds (the old socket among them) are closed by then
            Native.awaitReadable(pidfd, System.nanoTime() + WAIT_NANOS);
            return true;
        } finally {
            Native.closeQuietly(pidfd);
        }
    }

    private static List<Long> children(long pid) {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            List<Long> out = new ArrayList<>();
            for (Path task : tasks.toList()) {
                String s;
                try {
                    s = Files.readString(task.resolve("children")).trim();
                } catch (IOException e) {
                    continue; // the thread ended meanwhile
                }
                if (s.isEmpty()) continue;
                for (String c : s.split(" ")) out.add(Long.parseLong(c));
            }
            return out;
        } catch (IOException e) {
            return List.of();
        }
    }

    private static Path exe(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe"));
        } catch (IOException | UnsupportedOperationException e) {
            return null; // a zombie, a kernel thread, or gone
        }
    }

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/comm")).strip();
        } catch (IOException e) {
            return "";
        }
    }
}
