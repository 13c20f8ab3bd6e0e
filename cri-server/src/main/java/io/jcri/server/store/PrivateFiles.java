package io.jcri.server.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * jcri's own records (pod configs with their environment and annotations, pod IPs in the CNI cache) are for root
 * only, as the socket is: directories 0700, files 0600, whatever the umask says.
 */
public final class PrivateFiles {
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {
    }

    /** Creates {@code dir} (and missing parents) and sets it to 0700; parents keep their modes. */
    public static void directory(Path dir) throws IOException {
        Files.createDirectories(dir);
        if (!Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS).equals(DIR)) {
            Files.setPosixFilePermissions(dir, DIR);
        }
    }

    /** Writes {@code file} atomically (0600 temp file, fsync, rename over the old one). */
    public static void write(Path file, byte[] content) throws IOException {
        write(file, content, true);
    }

    /**
     * Writes {@code file} atomically as {@link #write} does, but leaves its fsync to {@link #sync}: the new content
     * is what every reader (a restarted daemon included: the page cache outlives a killed process) sees at once,
     * and is on the disk once {@code sync} returns.
     */
    public static void writeUnsynced(Path file, byte[] content) throws IOException {
        write(file, content, false);
    }

    /** fsyncs {@code file}; a file that is gone (deleted since) has nothing left to make durable. */
    public static void sync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (java.nio.file.NoSuchFileException gone) {
            // removed (DEL done, or an undone ADD) before its sync ran
        }
    }

    private static void write(Path file, byte[] content, boolean sync) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try (FileChannel ch = FileChannel.open(tmp, EnumSet.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(FILE))) {
            ByteBuffer b = ByteBuffer.wrap(content);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            if (sync) {
                ch.force(true);
            }
        } catch (FileAlreadyExistsException e) {
            throw new IOException("a concurrent writer holds " + tmp, e);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Deletes the temp files of writes a dead daemon did not finish ({@link #write}'s {@code *.tmp}): the rename
     * never happened, so the old file (or none) is the truth. Only at start-up, before anything writes.
     */
    public static void removeUnfinishedWrites(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    /** Narrows a file written before this rule existed to 0600. */
    public static void narrow(Path file) throws IOException {
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                && !Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS).equals(FILE)) {
            Files.setPosixFilePermissions(file, FILE);
        }
    }
}
