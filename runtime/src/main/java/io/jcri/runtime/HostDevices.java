package io.jcri.runtime;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Host device nodes as containerd reads them for CRI {@code devices} ({@code oci.WithDevices}): the host path's
 * symlinks are resolved; a device node is taken with its own mode bits and owner; a directory gives every device
 * node below it (the container path then names the directory), skipping what runc and containerd skip
 * (pts, shm, fd, mqueue, console and a few container-manager directories) and anything that is not a node.
 */
public final class HostDevices {
    private static final Set<String> SKIPPED_DIRS = Set.of("pts", "shm", "fd", "mqueue", ".lxc", ".lxd-mounts",
            ".udev");
    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFCHR = 0020000;

    private HostDevices() {
    }

    /** Thrown for a host path that exists but is neither a device node nor a directory. */
    public static final class NotADeviceException extends IOException {
        NotADeviceException(Path path) {
            super(path + " is not a device node");
        }
    }

    /**
     * @param containerPath where the node (or, for a directory, the directory) goes; empty: the host path
     * @throws NoSuchFileException when the host path does not exist
     */
    public static List<DeviceSpec> resolve(String hostPath, String containerPath, String access) throws IOException {
        Path real = Path.of(hostPath).toRealPath();
        String target = containerPath.isEmpty() ? real.toString() : containerPath;
        List<DeviceSpec> out = new ArrayList<>();
        if (Files.isDirectory(real)) {
            walk(real, target, access, out);
            return out;
        }
        DeviceSpec d = node(real, target, access);
        if (d == null) throw new NotADeviceException(real);
        out.add(d);
        return out;
    }

    private static void walk(Path dir, String target, String access, List<DeviceSpec> out) throws IOException {
        Set<String> names = new TreeSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path e : entries) names.add(e.getFileName().toString());
        }
        for (String name : names) {
            Path p = dir.resolve(name);
            String child = target.endsWith("/") ? target + name : target + "/" + name;
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                if (!SKIPPED_DIRS.contains(name)) walk(p, child, access, out);
            } else if (!name.equals("console")) {
                try {
                    DeviceSpec d = node(p, child, access);
                    if (d != null) out.add(d);
                } catch (NoSuchFileException gone) {
                    // removed while we listed (udev): as containerd, not an error
                }
            }
        }
    }

    /** The node at {@code p} (not following a symlink), or null if it is no block or character device. */
    private static DeviceSpec node(Path p, String containerPath, String access) throws IOException {
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        int fmt = mode & S_IFMT;
        if (fmt != S_IFBLK && fmt != S_IFCHR) return null;
        long rdev = (Long) Files.getAttribute(p, "unix:rdev", LinkOption.NOFOLLOW_LINKS);
        int uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int gid = (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
        return new DeviceSpec(containerPath, fmt == S_IFBLK ? 'b' : 'c', major(rdev), minor(rdev), mode & 07777, uid,
                gid, access);
    }

    /** glibc's gnu_dev_major/gnu_dev_minor. */
    static int major(long dev) {
        return (int) (((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL));
    }

    static int minor(long dev) {
        return (int) ((dev & 0xff) | ((dev >>> 12) & ~0xffL));
    }
}
