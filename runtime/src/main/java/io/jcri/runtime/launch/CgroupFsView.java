package io.jcri.runtime.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The host's cgroup v1 hierarchies, to be mounted read-only at the container's /sys/fs/cgroup from inside its
 * cgroup namespace, where each shows the container's own cgroup as its root (what runc gives containers, and
 * what JVMs and Go runtimes read their limits from). Only v1: on a hybrid host the launch thread is not in the
 * container's cgroup of the controller-less unified hierarchy, which would expose the daemon's subtree.
 */
public record CgroupFsView(List<Hierarchy> hierarchies) {
    /** {@code name}: directory under /sys/fs/cgroup; {@code options}: the controllers (or name=...). */
    public record Hierarchy(String name, String options) {}

    public static CgroupFsView ofHost() {
        List<Hierarchy> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                int dash = line.indexOf(" - ");
                if (dash < 0) continue;
                String[] pre = line.substring(0, dash).split(" ");
                String[] post = line.substring(dash + 3).split(" ");
                if (post.length < 3 || !post[0].equals("cgroup")) continue;
                Path mountPoint = Path.of(pre[4]);
                if (!mountPoint.startsWith("/sys/fs/cgroup") || mountPoint.getNameCount() != 4) continue;
                List<String> opts = new ArrayList<>();
                for (String o : post[2].split(",")) {
                    if (o.equals("rw") || o.equals("ro") || o.startsWith("release_agent") || o.equals("clone_children")
                            || o.equals("noprefix") || o.equals("xattr") || o.equals("cpuset_v2_mode")) continue;
                    opts.add(o);
                }
                out.add(new Hierarchy(mountPoint.getFileName().toString(), String.join(",", opts)));
            }
        } catch (IOException e) {
            return new CgroupFsView(List.of());
        }
        return new CgroupFsView(List.copyOf(out));
    }

    public boolean isEmpty() {
        return hierarchies.isEmpty();
    }
}
