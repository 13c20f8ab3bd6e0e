package io.jcri.image.unpack;

import io.jcri.image.store.FileTrees;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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

    private final Path root;
    private final String rootString;
    /** Relative paths known to be real directories created or checked by this unpack. */
    private final Set<String> knownDirs = new HashSet<>();
    private final Deque<DirTimes> dirTimes = new ArrayDeque<>();
    private final byte[] copyBuffer = new byte[128 * 1024];

    private record DirTimes(String path, long seconds, long nanos) {
    }

    /** What an unpack wrote, for logs and tests. */
    public record Stats(long entries, long bytes) {
    }

    private LayerUnpacker(Path root) {
        this.root = root;
        this.rootString = root.toString();
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
                removeExisting(hidden);
                Native.mknod(abs(hidden), Native.S_IFCHR, 0);
            }
            return 0;
        }
        if (rel.isEmpty()) {
            if (e.type() == TarEntry.DIRECTORY) {
                setMetadata("", e);
                dirTimes.push(new DirTimes("", e.mtimeSeconds(), e.mtimeNanos()));
            }
            return 0;
        }
        ensureDir(parent);
        long written = 0;
        switch (e.type()) {
            case TarEntry.DIRECTORY -> {
                BasicFileAttributes a = lstat(rel);
                if (a == null || !a.isDirectory()) {
                    removeExisting(rel);
                    Files.createDirectory(root.resolve(rel));
                }
                knownDirs.add(rel);
                dirTimes.push(new DirTimes(rel, e.mtimeSeconds(), e.mtimeNanos()));
            }
            case TarEntry.REGULAR -> {
                removeExisting(rel);
                try (OutputStream out = Files.newOutputStream(root.resolve(rel), StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                    InputStream in = reader.content();
                    int n;
                    while ((n = in.read(copyBuffer)) > 0) {
                        out.write(copyBuffer, 0, n);
                        written += n;
                    }
                }
            }
            case TarEntry.SYMLINK -> {
                removeExisting(rel);
                Native.symlink(e.linkName(), abs(rel));
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
                removeExisting(rel);
                Files.createLink(root.resolve(rel), root.resolve(target));
                return 0; // shares the target's inode and metadata
            }
            case TarEntry.CHAR_DEVICE, TarEntry.BLOCK_DEVICE, TarEntry.FIFO -> {
                removeExisting(rel);
                int kind = e.type() == TarEntry.CHAR_DEVICE ? Native.S_IFCHR
                        : e.type() == TarEntry.BLOCK_DEVICE ? Native.S_IFBLK : Native.S_IFIFO;
                Native.mknod(abs(rel), kind | (e.mode() & 0777), Native.makedev(e.devMajor(), e.devMinor()));
            }
            default -> {
                return 0; // unknown entry types (e.g. GNU sparse, volume labels) are skipped like containerd does
            }
        }
        setMetadata(rel, e);
        if (e.type() != TarEntry.DIRECTORY) {
            Native.lutimes(abs(rel), e.mtimeSeconds(), e.mtimeNanos());
        }
        return written;
    }

    private void setMetadata(String rel, TarEntry e) throws IOException {
        String path = abs(rel);
        Native.lchown(path, e.uid(), e.gid());
        if (e.type() != TarEntry.SYMLINK) {
            Native.chmod(path, e.mode()); // after chown, which clears setuid/setgid
        }
        for (Map.Entry<String, byte[]> x : e.xattrs().entrySet()) {
            Native.lsetxattr(path, x.getKey(), x.getValue());
        }
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
