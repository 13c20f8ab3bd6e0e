package io.jcri.server.daemon;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.logging.Logger;

/**
 * Exclusive ownership of the CRI socket path. A lock file beside the socket keeps two jcri daemons from
 * racing; a live listener of any kind on the path refuses the start; a stale socket left by a crashed
 * daemon is removed.
 */
public final class SocketClaim implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SocketClaim.class.getName());

    private final Path socket;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private volatile boolean bound;

    private SocketClaim(Path socket, FileChannel lockChannel, FileLock lock) {
        this.socket = socket;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Claims {@code socket}, creating its directory with mode 0711 if missing. */
    public static SocketClaim claim(Path socket) throws IOException {
        Path dir = socket.toAbsolutePath().getParent();
        createDirectory(dir);
        Path lockFile = dir.resolve("." + socket.getFileName() + ".lock");
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new SocketInUseException("another jcri daemon is already serving " + socket
                    + " (it holds " + lockFile + "); stop it first or choose another --socket");
        }
        SocketClaim claim = new SocketClaim(socket, channel, lock);
        try {
            claim.removeStaleSocket();
        } catch (IOException | RuntimeException e) {
            claim.close();
            throw e;
        }
        return claim;
    }

    private static void createDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            reportExistingMode(dir);
            return;
        }
        try {
            Files.createDirectories(dir.getParent());
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
        } catch (FileAlreadyExistsException ignored) {
            // created concurrently: fine
        }
        // the umask may have narrowed the mode given at creation
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    }

    /**
     * A directory jcri did not create keeps its mode (it may be /run, shared with others). The socket's own mode
     * (0660) guards the calls; a directory others may write to lets them replace the socket, which is said loudly.
     */
    private static void reportExistingMode(Path dir) throws IOException {
        var perms = Files.getPosixFilePermissions(dir);
        String mode = PosixFilePermissions.toString(perms);
        boolean othersWrite = perms.contains(java.nio.file.attribute.PosixFilePermission.GROUP_WRITE)
                || perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE);
        String owner = Files.getOwner(dir).getName();
        if (othersWrite || !owner.equals("root")) {
            LOG.warning("the socket's directory " + dir + " existed already (mode " + mode + ", owner " + owner
                    + ") and is left as it is: users other than root can replace the socket in it; use a directory"
                    + " of root's with mode 0711 or 0700");
        } else {
            LOG.info("the socket's directory " + dir + " existed already and keeps its mode " + mode
                    + " (the socket itself is 0660)");
        }
    }

    private void removeStaleSocket() throws IOException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(socket, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(socket)
                || Files.isRegularFile(socket, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(socket + " exists and is not a unix socket; refusing to replace it");
        }
        if (someoneListens()) {
            throw new SocketInUseException("another process is already serving " + socket
                    + "; stop it first or choose another --socket");
        }
        LOG.info("removing stale socket " + socket + " left by a previous daemon");
        Files.deleteIfExists(socket);
    }

    private boolean someoneListens() throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (ConnectException e) {
            return false;
        }
    }

    /**
     * Records that this daemon has bound the socket (so closing the claim removes it) and makes it usable by
     * root and its group only.
     */
    public void serving() throws IOException {
        bound = true;
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
    }

    public Path socket() {
        return socket;
    }

    /** Removes the socket if this daemon bound it, and releases the lock. */
    @Override
    public void close() throws IOException {
        try {
            if (bound) {
                Files.deleteIfExists(socket);
            }
        } finally {
            try {
                lock.release();
            } finally {
                lockChannel.close();
            }
        }
    }

    /** Another live server owns the socket. */
    public static final class SocketInUseException extends IOException {
        public SocketInUseException(String message) {
            super(message);
        }
    }
}
