package io.jcri.image.store;

import io.jcri.image.FsUsage;
import io.jcri.image.unpack.Native;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Measures what the store occupies: allocated bytes and inodes under the root, and its filesystem's mountpoint. */
public final class FsUsageScanner {
    private FsUsageScanner() {
    }

    public static FsUsage scan(Path root) throws IOException {
        Set<Long> inodes = new HashSet<>();
        long[] bytes = {0};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                count(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                count(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
                return FileVisitResult.CONTINUE; // removed while we walked
            }

            private void count(Path p) throws IOException {
                long[] st;
                try {
                    st = Native.inodeAndBlocks(p.toString());
                } catch (IOException e) {
                    return;
                }
                if (inodes.add(st[0])) {
                    bytes[0] += st[1] * 512;
                }
            }
        });
        return new FsUsage(bytes[0], inodes.size(), mountpointOf(root),
                System.currentTimeMillis() * 1_000_000L);
    }

    /** The longest mount point in /proc/self/mountinfo that contains the path. */
    static String mountpointOf(Path path) throws IOException {
        String real = path.toRealPath().toString();
        String best = "/";
        List<String> lines = Files.readAllLines(Path.of("/proc/self/mountinfo"));
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f.length < 5) {
                continue;
            }
            String mp = unescape(f[4]);
            boolean contains = mp.equals("/") || real.equals(mp) || real.startsWith(mp + "/");
            if (contains && mp.length() > best.length()) {
                best = mp;
            }
        }
        return best;
    }

    private static String unescape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
