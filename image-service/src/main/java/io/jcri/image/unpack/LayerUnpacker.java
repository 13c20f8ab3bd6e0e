package io.jcri.image.unpack;

import io.jcri.image.store.FileTrees;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.OpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Unpacks one layer tar into an empty directory in the form overlayfs wants for a lowerdir: whiteouts
 * {@code .wh.name} become char devices 0:0, opaque markers {@code .wh..wh..opq} become the
 * {@code trusted.overlay.opaque=y} xattr on their directory.
 *
 * <p>Confinement: entry names are cleaned lexically; a name or hardlink target that climbs out of the root
 * with {@code ..} refuses the layer, a leading {@code /} is taken relative to the root. Every parent directory
 * must be a real directory, never a symlink (the layer's own symlinks are never followed), so nothing can be
 * written outside the directory. The directory is private to this unpack until it is committed, so no other
 * writer can swap a component between the check and the use.
 */
public final class LayerUnpacker {
    private static final String WHITEOUT_PREFIX = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";
    private static final byte[] OPAQUE_VALUE = "y".getBytes(StandardCharsets.US_ASCII);
    private static final String DEFAULT_ACL = "system.posix_acl_default";
    private static final Set<OpenOption> CREATE_FILE = Set.of(StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    @SuppressWarnings("unchecked")
    private static final FileAttribute<Set<PosixFilePermission>>[] PERMISSIONS = new FileAttribute[01000];

    static {
        for (int m = 0; m < PERMISSIONS.length; m++) {
            Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
            PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                    PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                    PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.OWNER_READ};
            for (int bit = 0; bit < 9; bit++) {
                if ((m & (1 << bit)) != 0) {
                    perms.add(order[bit]);
                }
            }
            PERMISSIONS[m] = PosixFilePermissions.asFileAttribute(perms);
        }
    }

    private final Path root;
    private final String rootString;
    /** Relative paths known to be real directories created or checked by this unpack. */
    private final Set<String> knownDirs = new HashSet<>();
    private final Deque<DirTimes> dirTimes = new ArrayDeque<>();
    private final byte[] copyBuffer = new byte[128 * 1024];
    private final ByteBuffer copyView = ByteBuffer.wrap(copyBuffer);
    /**
     * The process umask when the unpack began, or -1 when new files' modes cannot be predicted: unknown umask, or
     * a default ACL on the root or on a directory of the layer (it replaces the umask). Then every entry is chmod-ed.
     */
    private int umask;

    private record DirTimes(String path, long seconds, long nanos) {
    }

    /** What an unpack wrote, for logs and tests. */
    public record Stats(long entries, long bytes) {
    }

    private LayerUnpacker(Path root) {
        this.root = root;
        this.rootString = root.toString();
        this.umask = hasDefaultAcl(rootString) ? -1 : readUmask();
        knownDirs.add("");
    }

    public static Stats unpack(InputStream tar, Path emptyDir) throws IOException {
        return new LayerUnpacker(emptyDir).run(new TarReader(tar));
    }

    private Stats run(TarReader reader) throws IOException {
        long entries = 0;
        long bytes = 0;
        TarEntry e;
        while ((e = reader.next()) != null) {
            entries++;
            bytes += apply(e, reader);
        }
        // directory times last: creating children changed them
        while (!dirTimes.isEmpty()) {
            DirTimes t = dirTimes.pop();
            BasicFileAttributes a = lstat(t.path());
            if (a != null && a.isDirectory()) { // a later entry may have replaced it
                Native.lutimes(abs(t.path()), t.seconds(), t.nanos());
            }
        }
        return new Stats(entries, bytes);
    }

    private long apply(TarEntry e, TarReader reader) throws IOException {
        String rel = clean(e.name(), e.name());
        String base = rel.substring(rel.lastIndexOf('/') + 1);
        String parent = rel.contains("/") ? rel.substring(0, rel.lastIndexOf('/')) : "";
        if (base.startsWith(WHITEOUT_PREFIX)) {
            ensureDir(parent);
            if (base.equals(OPAQUE)) {
                Native.lsetxattr(abs(parent), "trusted.overlay.opaque", OPAQUE_VALUE);
            } else {
                String hiddenName = base.substring(WHITEOUT_PREFIX.length());
                if (hiddenName.isEmpty() || hiddenName.equals(".") || hiddenName.equals("..")) {
                    throw new UnsafeLayerException("invalid whiteout entry \"" + e.name() + "\"");
                }
                String hidden = join(parent, hiddenName);
                try {
                    Native.mknod(abs(hidden), Native.S_IFCHR, 0);
                } catch (FileAlreadyExistsException exists) {
                    removeExisting(hidden);
                    Native.mknod(abs(hidden), Native.S_IFCHR, 0);
                }
            }
            return 0;
        }
        if (rel.isEmpty()) {
            if (e.type() == TarEntry.DIRECTORY) {
                setMetadata("", e, false);
                dirTimes.push(new DirTimes("", e.mtimeSeconds(), e.mtimeNanos()));
            }
            return 0;
        }
        ensureDir(parent);
        long written = 0;
        boolean modeSet = false; // created with exactly the entry's mode: no chmod needed
        switch (e.type()) {
            case TarEntry.DIRECTORY -> {
                try {
                    // always chmod-ed after: a setgid parent passes its setgid bit on to new directories
                    Files.createDirectory(root.resolve(rel));
                } catch (FileAlreadyExistsException exists) {
                    BasicFileAttributes a = lstat(rel);
                    if (a == null || !a.isDirectory()) { // a directory listed again keeps its children
                        removeExisting(rel);
                        Files.createDirectory(root.resolve(rel));
                    }
                }
                knownDirs.add(rel);
                dirTimes.push(new DirTimes(rel, e.mtimeSeconds(), e.mtimeNanos()));
            }
            case TarEntry.REGULAR -> {
                try (FileChannel out = createFile(rel, e.mode())) {
                    InputStream in = reader.content();
                    int n;
                    while ((n = in.read(copyBuffer)) > 0) {
                        copyView.clear().limit(n);
                        while (copyView.hasRemaining()) {
                            out.write(copyView);
                        }
                        written += n;
                    }
                }
                modeSet = createdWithMode(e.mode());
            }
            case TarEntry.SYMLINK -> {
                try {
                    Native.symlink(e.linkName(), abs(rel));
                } catch (FileAlreadyExistsException exists) {
                    removeExisting(rel);
                    Native.symlink(e.linkName(), abs(rel));
                }
            }
            case TarEntry.HARDLINK -> {
                String target = clean(e.linkName(), e.name() + " -> " + e.linkName());
                String targetParent = target.contains("/") ? target.substring(0, target.lastIndexOf('/')) : "";
                requireRealDirs(targetParent, e.linkName());
                BasicFileAttributes ta = lstat(target);
                if (ta == null || ta.isDirectory()) {
                    throw new UnsafeLayerException("hardlink " + e.name() + " to " + e.linkName()
                            + ": target is not an earlier file of this layer");
                }
                try {
                    Files.createLink(root.resolve(rel), root.resolve(target));
                } catch (FileAlreadyExistsException exists) {
                    removeExisting(rel);
                    Files.createLink(root.resolve(rel), root.resolve(target));
                }
                return 0; // shares the target's inode and metadata
            }
            case TarEntry.CHAR_DEVICE, TarEntry.BLOCK_DEVICE, TarEntry.FIFO -> {
                int kind = e.type() == TarEntry.CHAR_DEVICE ? Native.S_IFCHR
                        : e.type() == TarEntry.BLOCK_DEVICE ? Native.S_IFBLK : Native.S_IFIFO;
                long dev = Native.makedev(e.devMajor(), e.devMinor());
                try {
                    Native.mknod(abs(rel), kind | (e.mode() & 0777), dev);
                } catch (FileAlreadyExistsException exists) {
                    removeExisting(rel);
                    Native.mknod(abs(rel), kind | (e.mode() & 0777), dev);
                }
                modeSet = createdWithMode(e.mode());
            }
            default -> {
                return 0; // unknown entry types (e.g. GNU sparse, volume labels) are skipped like containerd does
            }
        }
        setMetadata(rel, e, modeSet);
        if (e.type() != TarEntry.DIRECTORY) {
            Native.lutimes(abs(rel), e.mtimeSeconds(), e.mtimeNanos());
        }
        return written;
    }

    private void setMetadata(String rel, TarEntry e, boolean modeSet) throws IOException {
        String path = abs(rel);
        Native.lchown(path, e.uid(), e.gid());
        if (e.type() != TarEntry.SYMLINK && !modeSet) {
            Native.chmod(path, e.mode()); // after chown, which clears setuid/setgid
        }
        for (Map.Entry<String, byte[]> x : e.xattrs().entrySet()) {
            Native.lsetxattr(path, x.getKey(), x.getValue());
            if (x.getKey().equals(DEFAULT_ACL)) {
                umask = -1;
            }
        }
    }

    /**
     * Creates a regular file that must not exist yet (O_CREAT|O_EXCL|O_NOFOLLOW: never opens an existing file or
     * follows a symlink). On a fresh directory nothing is there, so nothing is looked up first; only a name this
     * layer already used is removed and created again.
     */
    private FileChannel createFile(String rel, int mode) throws IOException {
        Path p = root.resolve(rel);
        try {
            return FileChannel.open(p, CREATE_FILE, permissions(mode));
        } catch (FileAlreadyExistsException exists) {
            removeExisting(rel);
            return FileChannel.open(p, CREATE_FILE, permissions(mode));
        }
    }

    private static FileAttribute<Set<PosixFilePermission>> permissions(int mode) {
        return PERMISSIONS[mode & 0777];
    }

    /**
     * Whether a file created with {@code mode}'s permission bits already has the entry's mode: the umask took
     * nothing away and there are no setuid, setgid or sticky bits (create ignores those and chown clears the first
     * two, so they always need the chmod after chown).
     */
    private boolean createdWithMode(int mode) {
        return umask >= 0 && (mode & 07000) == 0 && (mode & umask) == 0;
    }

    private static boolean hasDefaultAcl(String dir) {
        try {
            return Native.lgetxattr(dir, DEFAULT_ACL) != null;
        } catch (IOException e) {
            return true; // cannot tell: chmod every entry
        }
    }

    /** The umask from /proc/self/status (Linux 4.7+), or -1. */
    static int readUmask() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Umask:")) {
                    return Integer.parseInt(line.substring(6).trim(), 8);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown: chmod every entry
        }
        return -1;
    }

    /**
     * Cleans a tar name into a relative path under the root: {@code .} and empty components drop, a leading
     * {@code /} is ignored, {@code ..} pops, and popping past the root refuses the layer.
     */
    static String clean(String name, String forMessage) throws UnsafeLayerException {
        List<String> parts = new ArrayList<>();
        for (String c : name.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (parts.isEmpty()) {
                    throw new UnsafeLayerException("layer entry \"" + forMessage + "\" points outside the layer root");
                }
                parts.remove(parts.size() - 1);
                continue;
            }
            if (c.indexOf('\0') >= 0) {
                throw new UnsafeLayerException("layer entry \"" + forMessage + "\" contains a NUL byte");
            }
            parts.add(c);
        }
        return String.join("/", parts);
    }

    /** Makes sure {@code rel} is a real directory, creating missing ones; a symlink on the way refuses the layer. */
    private void ensureDir(String rel) throws IOException {
        if (knownDirs.contains(rel)) {
            return;
        }
        int slash = rel.lastIndexOf('/');
        ensureDir(slash < 0 ? "" : rel.substring(0, slash));
        BasicFileAttributes a = lstat(rel);
        if (a == null) {
            Files.createDirectory(root.resolve(rel));
            Native.chmod(abs(rel), 0755); // a parent the tar never lists: traversable whatever the umask
        } else if (a.isSymbolicLink()) {
            throw new UnsafeLayerException("layer writes through symlink \"" + rel + "\"");
        } else if (!a.isDirectory()) {
            throw new UnsafeLayerException("layer uses non-directory \"" + rel + "\" as a directory");
        }
        knownDirs.add(rel);
    }

    /** Like {@link #ensureDir} but creates nothing: used for hardlink targets, which must already exist. */
    private void requireRealDirs(String rel, String forMessage) throws IOException {
        String walked = "";
        for (String c : rel.isEmpty() ? new String[0] : rel.split("/")) {
            walked = join(walked, c);
            if (knownDirs.contains(walked)) {
                continue;
            }
            BasicFileAttributes a = lstat(walked);
            if (a == null || !a.isDirectory() || a.isSymbolicLink()) {
                throw new UnsafeLayerException("hardlink target \"" + forMessage + "\" is not inside a real directory");
            }
            knownDirs.add(walked);
        }
    }

    private void removeExisting(String rel) throws IOException {
        BasicFileAttributes a = lstat(rel);
        if (a == null) {
            return;
        }
        if (a.isDirectory()) {
            FileTrees.deleteRecursively(root.resolve(rel));
            knownDirs.removeIf(d -> d.equals(rel) || d.startsWith(rel + "/"));
        } else {
            Files.delete(root.resolve(rel));
        }
    }

    private BasicFileAttributes lstat(String rel) throws IOException {
        try {
            return Files.readAttributes(root.resolve(rel), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private String abs(String rel) {
        return rel.isEmpty() ? rootString : rootString + "/" + rel;
    }

    private static String join(String a, String b) {
        return a.isEmpty() ? b : a + "/" + b;
    }
}
