package io.jcri.runtime.state;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Directories that are removed off the caller's path, as containerd's snapshot GC does: {@link #discard} renames
 * the directory into {@code <rootDir>/trash} (one rename on the same filesystem, so the name is free again at once)
 * and a background thread deletes it. Whatever a crash or a failed deletion leaves there is deleted by the next
 * {@link #discard} or by the next daemon's start-up ({@link #Trash(Path)} empties the directory).
 *
 * <p>The thread lives only while there is something to delete, and lingers a second for the next removal.
 */
public final class Trash {
    private static final Logger LOG = Logger.getLogger(Trash.class.getName());
    private final Path dir;
    private final AtomicLong seq = new AtomicLong();
    private static final long LINGER_NANOS = 1_000_000_000L;
    private final Object lock = new Object();
    /** Discards not yet deleted (guarded by lock). */
    private int pending;
    /** Whether the emptier thread exists; whether it is between taking work and finishing that pass. */
    private boolean running, passing;

    public Trash(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot create " + dir, e);
        }
        if (!isEmpty()) {
            synchronized (lock) {
                pending++;
                startLocked();
            }
        }
    }

    public Path dir() {
        return dir;
    }

    /**
     * Moves {@code target} into the trash, to be deleted in the background; deletes it here if it cannot be
     * renamed (another filesystem). A missing target is fine.
     */
    public void discard(Path target) {
        Path to = dir.resolve(target.getFileName() + "." + Long.toHexString(System.nanoTime()) + "-"
                + seq.incrementAndGet());
        try {
            Files.move(target, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return;
        } catch (AtomicMoveNotSupportedException e) {
            deleteTree(target);
            return;
        } catch (IOException e) {
            LOG.fine("cannot move " + target + " into " + dir + " (" + e + "): deleting it in place");
            deleteTree(target);
            return;
        }
        synchronized (lock) {
            pending++;
            if (running) lock.notifyAll();
            else startLocked();
        }
    }

    /** Waits until the background thread has emptied the trash (tests, shutdown); false on timeout. */
    public boolean awaitEmpty(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (lock) {
            while (pending > 0 || passing) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
        }
        return isEmpty();
    }

    private void startLocked() {
        if (running) return;
        running = true;
        Thread t = new Thread(this::empty, "jcri-trash");
        t.setDaemon(true);
        t.start();
    }

    private void empty() {
        while (true) {
            int taken;
            synchronized (lock) {
                long idleUntil = System.nanoTime() + LINGER_NANOS;
                while (pending == 0) {
                    long left = idleUntil - System.nanoTime();
                    if (left <= 0) {
                        running = false;
                        return;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(lock, left);
                    } catch (InterruptedException e) {
                        running = false;
                        return;
                    }
                }
                taken = pending;
                passing = true;
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path p : entries) {
                    try {
                        deleteTree(p);
                    } catch (RuntimeException e) {
                        LOG.warning("cannot delete " + p + " (left for the next start-up): " + e.getMessage());
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.warning("cannot empty " + dir + ": " + e.getMessage());
            }
            synchronized (lock) {
                pending -= taken;
                passing = false;
                lock.notifyAll();
            }
        }
    }

    private boolean isEmpty() {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return !entries.iterator().hasNext();
        } catch (IOException e) {
            return true;
        }
    }

    /** Deletes a tree without following symbolic links; a missing path is fine. */
    public static void deleteTree(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) return FileVisitResult.CONTINUE;
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    if (e != null && !(e instanceof NoSuchFileException)) throw e;
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("delete " + root, e);
        }
    }
}
