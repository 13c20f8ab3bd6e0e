package io.jcri.runtime.launch;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/** Finds argv[0] along PATH in a container's filesystem, seen through host directories (layers, or /proc/pid/root). */
final class Executable {
    private Executable() {}

    static String resolve(String arg0, String path, List<Path> roots) {
        if (arg0.contains("/")) return arg0;
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) continue;
            String candidate = (dir.endsWith("/") ? dir : dir + "/") + arg0;
            for (Path root : roots) {
                if (Files.exists(root.resolve(PathMasking.relative(candidate)), LinkOption.NOFOLLOW_LINKS))
                    return candidate;
            }
        }
        return "/" + arg0; // fails with ENOENT at exec, which is the error the user should see
    }
}
