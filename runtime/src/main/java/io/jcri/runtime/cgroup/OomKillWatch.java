package io.jcri.runtime.cgroup;

import io.jcri.runtime.sys.Native;
import io.jcri.runtime.sys.Sc;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The {@code oom_kill} count of cgroup v2 {@code memory.events} files, followed as the kernel changes them
 * (the kernel sends a file-modified event on every change, as the cgroup v2 documentation says), for cgroups that
 * another party removes the moment their last process exits: systemd stops a container's scope and removes its
 * directory as soon as it is empty, often before jcri handles the container's exit, and an OOM kill read at exit
 * then finds no file (the container was reported {@code Error} instead of {@code OOMKilled}). containerd's shim
 * follows memory.events with inotify in the same way.
 *
 * <p>One inotify descriptor and one thread for every watched cgroup, started with the first watch; the thread
 * waits in poll(2) on the inotify descriptor and a pipe that {@link #close()} writes to.
 */
final class OomKillWatch implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(OomKillWatch.class.getName());
    private static final int IN_MODIFY = 0x2, IN_IGNORED = 0x8000, IN_NONBLOCK = 04000, IN_CLOEXEC = 02000000;

    private final Map<Integer, Watched> byDescriptor = new ConcurrentHashMap<>();
    private int inotify = -1;
    private int[] wakeup;
    private Thread reader;

    /** One cgroup's highest oom_kill count seen. */
    final class Watched implements AutoCloseable {
        private final Path dir;
        private final int descriptor;
        private final AtomicLong oomKills = new AtomicLong();

        private Watched(Path dir, int descriptor) {
            this.dir = dir;
            this.descriptor = descriptor;
        }

        /** The highest count seen since the watch began, the file read now included while it exists. */
        long oomKills() {
            refresh();
            return oomKills.get();
        }

        private void refresh() {
            // a removed cgroup has no file: the count seen last stays
            Long now;
            try {
                now = CgroupFiles.readKeyValues(dir, "memory.events").get("oom_kill");
            } catch (RuntimeException removedMeanwhile) {
                return;
            }
            if (now != null) oomKills.accumulateAndGet(now, Math::max);
        }

        @Override
        public void close() {
            if (byDescriptor.remove(descriptor, this)) Native.C.inotify_rm_watch(inotify, descriptor);
        }
    }

    /** Starts following {@code dir}'s memory.events; null if the file cannot be watched (no memory controller). */
    synchronized Watched watch(Path dir) {
        if (inotify < 0) start();
        int descriptor = Native.C.inotify_add_watch(inotify, dir.resolve("memory.events").toString(), IN_MODIFY);
        if (descriptor < 0) return null;
        Watched w = new Watched(dir, descriptor);
        byDescriptor.put(descriptor, w);
        w.refresh(); // a change before the put was not attributed
        return w;
    }

    private void start() {
        inotify = Native.check(Native.C.inotify_init1(IN_NONBLOCK | IN_CLOEXEC), "inotify_init1");
        wakeup = Native.pipe();
        reader = new Thread(this::run, "jcri-oom-watch");
        reader.setDaemon(true);
        reader.start();
    }

    private void run() {
        jnr.ffi.Pointer fds = Native.allocate(16);
        fds.putInt(0, inotify);
        fds.putShort(4, Sc.POLLIN);
        fds.putInt(8, wakeup[0]);
        fds.putShort(12, Sc.POLLIN);
        byte[] buf = new byte[4096];
        while (true) {
            fds.putShort(6, (short) 0);
            fds.putShort(14, (short) 0);
            if (Native.C.poll(fds, 2, -1) < 0) {
                if (Native.errno() == Sc.EINTR) continue;
                LOG.warning("oom watch: poll failed, errno " + Native.errno() + "; OOM kills are read at exit only");
                return;
            }
            if (fds.getShort(14) != 0) return; // closed
            long n = Native.C.read(inotify, buf, buf.length);
            if (n <= 0) continue;
            ByteBuffer events = ByteBuffer.wrap(buf, 0, (int) n).order(ByteOrder.nativeOrder());
            while (events.remaining() >= 16) {
                int descriptor = events.getInt();
                int mask = events.getInt();
                events.getInt(); // cookie
                int nameLength = events.getInt();
                events.position(Math.min(events.limit(), events.position() + nameLength));
                Watched w = byDescriptor.get(descriptor);
                if (w == null) continue;
                if ((mask & IN_IGNORED) != 0) {
                    byDescriptor.remove(descriptor, w); // the file is gone; the count seen stays in w
                } else {
                    w.refresh();
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        if (inotify < 0) return;
        Native.C.write(wakeup[1], new byte[] {1}, 1);
        try {
            reader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Native.closeQuietly(wakeup[0]);
        Native.closeQuietly(wakeup[1]);
        Native.closeQuietly(inotify);
        inotify = -1;
        byDescriptor.clear();
    }
}
