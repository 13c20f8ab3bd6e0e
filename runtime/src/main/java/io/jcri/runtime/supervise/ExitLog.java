package io.jcri.runtime.supervise;

import io.jcri.runtime.sys.Native;
import jnr.ffi.Pointer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The file {@code jcri-subreaper} ({@link SubreaperElf}) appends one record to for every orphan it reaps: the
 * exit status of containers whose daemon died, for the daemon that comes after it. A record is 144 bytes:
 * CLOCK_BOOTTIME at reaping (struct timespec), then the siginfo_t from waitid.
 */
public final class ExitLog {
    public static final int RECORD_SIZE = 144;
    /** USER_HZ, the unit of a process's start time in /proc/pid/stat: 100 on every Linux ABI jcri runs on. */
    private static final long NANOS_PER_TICK = 10_000_000L;
    private static final int CLOCK_BOOTTIME = 7, CLD_EXITED = 1;
    private static final long CLOCK_GETTIME = 228;

    /** One reaped orphan: its pid, when it was reaped (nanoseconds since boot) and how it ended. */
    public record Entry(long pid, long reapedAtBootNanos, int code, int signal) {}

    private final Path path;

    public ExitLog(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    /** Every record, oldest first; none if the file does not exist. A partly written last record is ignored. */
    public List<Entry> read() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        List<Entry> out = new ArrayList<>();
        for (int at = 0; at + RECORD_SIZE <= bytes.length; at += RECORD_SIZE) {
            long nanos = b.getLong(at) * 1_000_000_000L + b.getLong(at + 8);
            int siCode = b.getInt(at + 16 + 8), pid = b.getInt(at + 16 + 16), status = b.getInt(at + 16 + 24);
            if (pid <= 0) continue;
            out.add(siCode == CLD_EXITED ? new Entry(pid, nanos, status & 0xff, 0)
                    : new Entry(pid, nanos, 128 + status, status));
        }
        return out;
    }

    /**
     * How the process {@code pid} that started at {@code startTicks} (field 22 of /proc/pid/stat) ended, if the
     * subreaper reaped it: the first record for that pid reaped after it started (a pid is not reused before
     * its process is reaped, and reaping is what writes the record).
     */
    public Optional<Exit> find(long pid, long startTicks) {
        return find(read(), pid, startTicks);
    }

    /** {@link #find(long, long)} in records already {@link #read()} (one read for many lookups). */
    public static Optional<Exit> find(List<Entry> entries, long pid, long startTicks) {
        long started = startTicks * NANOS_PER_TICK;
        for (Entry e : entries) {
            if (e.pid() == pid && e.reapedAtBootNanos() >= started) {
                return Optional.of(new Exit(e.code(), e.signal(), wallClock(e.reapedAtBootNanos()), true));
            }
        }
        return Optional.empty();
    }

    /** Forgets every record (once no process the records could be about is left to look up). */
    public void clear() {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        } catch (NoSuchFileException e) {
            // nothing recorded yet
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Instant wallClock(long bootNanos) {
        Pointer ts = Native.allocate(16);
        if (Native.syscall(CLOCK_GETTIME, CLOCK_BOOTTIME, ts.address(), 0, 0, 0, 0) != 0) return Instant.now();
        long now = ts.getLong(0) * 1_000_000_000L + ts.getLong(8);
        return Instant.now().minusNanos(Math.max(0, now - bootNanos));
    }
}
