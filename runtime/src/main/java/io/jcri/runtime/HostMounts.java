package io.jcri.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The host's mount table as this process sees it ({@code /proc/self/mountinfo}), for the propagation checks a CRI
 * mount needs before it is accepted: containerd ({@code ensureShared}/{@code ensureSharedOrSlave} in its CRI
 * plugin) refuses a bidirectional mount whose source is not on a shared mount and a host-to-container one whose
 * source is on a private mount, since the kernel would then propagate nothing.
 */
public final class HostMounts {
    static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    /** One mountinfo line: mount point and the optional fields ({@code shared:N}, {@code master:N}, ...). */
    public record Entry(String mountPoint, List<String> optional) {
        public boolean shared() {
            return optional.stream().anyMatch(o -> o.startsWith("shared:"));
        }

        public boolean slave() {
            return optional.stream().anyMatch(o -> o.startsWith("master:"));
        }
    }

    private HostMounts() {
    }

    /**
     * Why {@code hostPath} cannot be mounted with {@code propagation}, in containerd's words, or null if it can.
     */
    public static String propagationProblem(Path hostPath, MountSpec.Propagation propagation) {
        if (propagation == MountSpec.Propagation.PRIVATE) return null;
        Entry e = mountOf(hostPath);
        if (propagation == MountSpec.Propagation.BIDIRECTIONAL && !e.shared())
            return "path \"" + hostPath + "\" is mounted on \"" + e.mountPoint() + "\" but it is not a shared mount";
        if (propagation == MountSpec.Propagation.HOST_TO_CONTAINER && !e.shared() && !e.slave())
            return "path \"" + hostPath + "\" is mounted on \"" + e.mountPoint()
                    + "\" but it is not a shared or slave mount";
        return null;
    }

    /** The mount that holds {@code path} (symlinks resolved): the last-mounted entry with the longest mount point. */
    public static Entry mountOf(Path path) {
        try {
            Path real = path.toRealPath();
            Entry best = null;
            for (String line : Files.readAllLines(MOUNTINFO)) {
                Entry e = parse(line);
                if (e == null || !real.startsWith(Path.of(e.mountPoint()))) continue;
                if (best == null || e.mountPoint().length() >= best.mountPoint().length()) best = e;
            }
            if (best == null) throw new IllegalStateException("no mount holds " + real + " in " + MOUNTINFO);
            return best;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find the mount of " + path, e);
        }
    }

    /** A mountinfo line: id parent major:minor root mountpoint options [optional...] - fstype source super. */
    static Entry parse(String line) {
        String[] f = line.split(" ");
        if (f.length < 7) return null;
        int dash = 6;
        while (dash < f.length && !f[dash].equals("-")) dash++;
        return new Entry(unescape(f[4]), List.of(f).subList(6, dash));
    }

    /** mountinfo escapes space, tab, newline and backslash as \ooo. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '\\' && i + 3 < s.length()) {
                String oct = s.substring(i + 1, i + 4);
                if (oct.chars().allMatch(c -> c >= '0' && c <= '7')) {
                    sb.append((char) Integer.parseInt(oct, 8));
                    i += 3;
                    continue;
                }
            }
            sb.append(ch);
        }
        return sb.toString();
    }
}
