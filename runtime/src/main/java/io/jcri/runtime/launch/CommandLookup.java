package io.jcri.runtime.launch;

import io.jcri.runtime.ProcessSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a container's command exists in its root filesystem before anything is made for it: {@code args[0]}
 * looked up along the container's PATH (as execvp does; a name with a slash as it is, relative to the working
 * directory), then followed through symbolic links inside the rootfs (absolute targets and ".." never leave it,
 * nothing of the host is read) in the union of the image's layers as overlayfs shows them: the top layer that has
 * a name wins, a whiteout (char device 0:0) or a non-directory above hides what lies below.
 *
 * <p>Only a certain answer refuses: a path reaching into a CRI mount, the runtime's own mounts ({@code /proc},
 * {@code /dev}, {@code /sys}, the pod's /etc files) or anything unexpected is "unknown", and the start decides.
 * Opaque directories (an xattr in the trusted namespace) are not read, so a file they hide may be taken as present:
 * again the start decides.
 */
public final class CommandLookup {
    private static final int MAX_SYMLINKS = 40;
    private static final int S_IFMT = 0170000, S_IFCHR = 0020000;
    private static final List<String> RUNTIME_MOUNTS = List.of("/proc", "/dev", "/sys", "/etc/hosts",
            "/etc/resolv.conf", "/etc/hostname");

    private CommandLookup() {
    }

    /**
     * The path that exec would try and that certainly does not exist in the rootfs, or empty if the command exists
     * or cannot be known here.
     *
     * @param layers        the image's layer directories, top layer first (overlay lowerdir order)
     * @param mountPaths    the container paths of the CRI mounts
     */
    public static Optional<String> missing(ProcessSpec process, List<Path> layers, List<String> mountPaths) {
        String arg0 = process.args().get(0);
        List<String> mounts = new ArrayList<>(RUNTIME_MOUNTS);
        mountPaths.forEach(m -> mounts.add(normalize(m)));
        if (arg0.contains("/")) {
            String path = arg0.startsWith("/") ? arg0 : process.cwd() + "/" + arg0;
            return find(layers, mounts, path) == Found.ABSENT ? Optional.of(arg0) : Optional.empty();
        }
        for (String dir : ContainerLauncher.pathOf(process).split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            String candidate = (dir.endsWith("/") ? dir : dir + "/") + arg0;
            Found f = find(layers, mounts, dir.startsWith("/") ? candidate : process.cwd() + "/" + candidate);
            if (f != Found.ABSENT) {
                return Optional.empty();
            }
        }
        return Optional.of(arg0);
    }

    private enum Found { PRESENT, ABSENT, UNKNOWN }

    private enum Kind { ABSENT, DIRECTORY, SYMLINK, OTHER }

    private record Node(Kind kind, Path host) {
    }

    /** Resolves {@code path} component by component in the union of the layers. */
    private static Found find(List<Path> layers, List<String> mounts, String path) {
        Deque<String> pending = new ArrayDeque<>();
        push(pending, path);
        Deque<String> resolved = new ArrayDeque<>();
        int links = 0;
        try {
            while (!pending.isEmpty()) {
                String component = pending.pop();
                if (component.isEmpty() || component.equals(".")) {
                    continue;
                }
                if (component.equals("..")) {
                    resolved.pollLast();
                    continue;
                }
                List<String> next = new ArrayList<>(resolved);
                next.add(component);
                if (underMount(mounts, next)) {
                    return Found.UNKNOWN;
                }
                Node node = lookup(layers, next);
                switch (node.kind()) {
                    case ABSENT:
                        return Found.ABSENT;
                    case SYMLINK:
                        if (++links > MAX_SYMLINKS) {
                            return Found.UNKNOWN; // ELOOP at exec: the start says so
                        }
                        String target = Files.readSymbolicLink(node.host()).toString();
                        if (target.startsWith("/")) {
                            resolved.clear();
                        }
                        push(pending, target);
                        break;
                    case OTHER:
                        if (!pending.isEmpty()) {
                            return Found.ABSENT; // ENOTDIR: a file where a directory was needed
                        }
                        resolved.addLast(component);
                        break;
                    default:
                        resolved.addLast(component);
                }
            }
        } catch (IOException | RuntimeException e) {
            return Found.UNKNOWN;
        }
        return Found.PRESENT;
    }

    /** The name {@code components} as overlayfs shows it: from the top layer that has it. */
    private static Node lookup(List<Path> layers, List<String> components) throws IOException {
        for (Path layer : layers) {
            Path p = layer;
            for (int i = 0; i < components.size(); i++) {
                p = p.resolve(components.get(i));
                Map<String, Object> a;
                try {
                    a = Files.readAttributes(p, "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS);
                } catch (java.nio.file.NoSuchFileException e) {
                    break; // not in this layer: look below
                }
                int mode = (Integer) a.get("mode");
                boolean whiteout = (mode & S_IFMT) == S_IFCHR && ((Long) a.get("rdev")) == 0L;
                boolean last = i == components.size() - 1;
                if (whiteout) {
                    return new Node(Kind.ABSENT, p);
                }
                if (last) {
                    if (Files.isSymbolicLink(p)) {
                        return new Node(Kind.SYMLINK, p);
                    }
                    return new Node(Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? Kind.DIRECTORY : Kind.OTHER, p);
                }
                if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    // a file or symlink above hides the lower layers' directory of that name
                    return new Node(Kind.ABSENT, p);
                }
            }
        }
        return new Node(Kind.ABSENT, null);
    }

    private static boolean underMount(List<String> mounts, List<String> components) {
        String path = "/" + String.join("/", components);
        for (String m : mounts) {
            // in a mount, or on the way to one (its mount point is made, through whatever symlinks the image has)
            if (m.equals("/") || path.equals(m) || path.startsWith(m + "/") || m.startsWith(path + "/")) {
                return true;
            }
        }
        return false;
    }

    private static String normalize(String containerPath) {
        Deque<String> out = new ArrayDeque<>();
        for (String c : containerPath.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                out.pollLast();
            } else {
                out.addLast(c);
            }
        }
        return "/" + String.join("/", out);
    }

    private static void push(Deque<String> pending, String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            pending.push(parts[i]);
        }
    }
}
