package io.jcri.runtime.launch;

import io.jcri.runtime.DeviceSpec;
import io.jcri.runtime.security.RootfsPath;
import io.jcri.runtime.sys.Native;
import io.jcri.runtime.sys.Sc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * The container's configured device nodes, made in its mount namespace after every mount, as runc makes
 * {@code linux.devices}: mknod with the host node's type and numbers, then chmod (past the umask) and chown to the
 * host node's mode and owner. A path that already holds something (one of /dev's standard nodes) is left as it
 * is, as runc leaves it.
 */
final class DeviceNodes {
    private DeviceNodes() {}

    static void create(Path rootfs, List<DeviceSpec> devices) throws IOException {
        for (DeviceSpec d : devices) {
            Path p = RootfsPath.resolve(rootfs, d.containerPath());
            if (!p.startsWith(rootfs) || p.equals(rootfs))
                throw new IllegalArgumentException("device path escapes the rootfs: " + d.containerPath());
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) continue;
            Files.createDirectories(p.getParent());
            String path = p.toString();
            int type = d.type() == 'b' ? 0060000 : 0020000;
            Native.check(Native.C.mknod(path, type | d.fileMode(), Sc.makedev(d.major(), d.minor())), "mknod " + path);
            Native.check(Native.C.chmod(path, d.fileMode()), "chmod " + path);
            Native.check(Native.C.chown(path, d.uid(), d.gid()), "chown " + path);
        }
    }
}
