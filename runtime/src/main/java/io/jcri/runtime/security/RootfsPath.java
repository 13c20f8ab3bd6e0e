package io.jcri.runtime.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Resolves a path inside a container rootfs the way the kernel would after chroot: symlinks are followed, but
 * absolute targets and ".." start from (and never climb above) the rootfs. So an image's
 * {@code /etc/passwd -> /etc/shadow} or {@code -> ../../../../etc/passwd} stays inside the image.
 *
 * <p>Done component by component in userspace (like libpathrs' fallback or Go's securejoin). That is race-free
 * only while nobody else changes the rootfs, which holds while a container is being created; openat2 with
 * RESOLVE_IN_ROOT would close the race against a running container.
 */
public final class RootfsPath {
    private static final int MAX_SYMLINKS = 40; // the kernel's limit before ELOOP

    private RootfsPath() {
    }

    /** The host path of {@code path} as seen inside {@code rootfs}; it may not exist. */
    public static Path resolve(Path rootfs, String path) throws IOException {
        Path root = rootfs.toAbsolutePath().normalize();
        Deque<String> pending = new ArrayDeque<>();
        push(pending, path);
        Deque<String> resolved = new ArrayDeque<>();
        int links = 0;
        while (!pending.isEmpty()) {
            String component = pending.pop();
            if (component.isEmpty() || component.equals(".")) {
                continue;
            }
            if (component.equals("..")) {
                resolved.pollLast();
                continue;
            }
            Path candidate = join(root, resolved).resolve(component);
            if (Files.isSymbolicLink(candidate)) {
                if (++links > MAX_SYMLINKS) {
                    throw new IOException("too many symbolic links resolving " + path + " in " + rootfs);
                }
                String target = Files.readSymbolicLink(candidate).toString();
                if (target.startsWith("/")) {
                    resolved.clear();
                }
                push(pending, target);
            } else {
                resolved.addLast(component);
                if (!pending.isEmpty() && Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)
                        && !Files.isDirectory(candidate, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException(path + " in " + rootfs + ": " + component + " is not a directory");
                }
            }
        }
        return join(root, resolved);
    }

    private static void push(Deque<String> pending, String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            pending.push(parts[i]);
        }
    }

    private static Path join(Path root, Deque<String> components) {
        Path result = root;
        for (String component : components) {
            result = result.resolve(component);
        }
        return result;
    }
}
