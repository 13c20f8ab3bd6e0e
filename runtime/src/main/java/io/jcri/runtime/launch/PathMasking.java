package io.jcri.runtime.launch;

import io.jcri.runtime.sys.Sc;
import io.jcri.runtime.sys.SyscallProgram;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Masked paths (files hidden behind /dev/null, directories behind a read-only tmpfs) and read-only paths, as
 * program steps relative to the rootfs (the program runs with the rootfs as working directory, before
 * pivot_root). Whether a path is a directory is decided from the host's view: /proc and /sys entries are the
 * kernel's and look the same there, other paths are looked up in the given rootfs view. Missing paths are
 * tolerated (ENOENT), as runc does.
 */
final class PathMasking {
    private PathMasking() {}

    static void append(SyscallProgram p, List<String> masked, List<String> readonly, Path rootfsView) {
        for (String path : masked) {
            String rel = relative(path);
            if (isDirectory(path, rootfsView)) {
                p.callTolerating("mask " + path, Sc.ENOENT, Sc.MOUNT, p.cstr("tmpfs"), p.cstr(rel), p.cstr("tmpfs"),
                        Sc.MS_RDONLY, 0L);
            } else {
                p.callTolerating("mask " + path, Sc.ENOENT, Sc.MOUNT, p.cstr("dev/null"), p.cstr(rel), 0L,
                        Sc.MS_BIND, 0L);
            }
        }
        for (String path : readonly) {
            SyscallProgram.Ref r = p.cstr(relative(path));
            long extra = path.startsWith("/proc/") ? Sc.MS_NOSUID | Sc.MS_NODEV | Sc.MS_NOEXEC : 0;
            p.callTolerating("bind " + path, Sc.ENOENT, Sc.MOUNT, r, r, 0L, Sc.MS_BIND | Sc.MS_REC, 0L);
            p.callTolerating("read-only " + path, Sc.ENOENT, Sc.MOUNT, r, r, 0L,
                    Sc.MS_BIND | Sc.MS_REMOUNT | Sc.MS_RDONLY | extra, 0L);
        }
    }

    static String relative(String absolute) {
        String r = absolute;
        while (r.startsWith("/")) r = r.substring(1);
        return r.isEmpty() ? "." : r;
    }

    private static boolean isDirectory(String path, Path rootfsView) {
        Path hostView = path.startsWith("/proc/") || path.startsWith("/sys/") ? Path.of(path)
                : rootfsView.resolve(relative(path));
        return Files.isDirectory(hostView, LinkOption.NOFOLLOW_LINKS);
    }
}
