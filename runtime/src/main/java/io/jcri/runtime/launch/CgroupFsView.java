package io.jcri.runtime.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a container gets at its /sys/fs/cgroup, mounted from inside its cgroup namespace so that each hierarchy
 * shows the container's own cgroup as its root (what runc gives containers, and what JVMs and Go runtimes read
 * their limits from); read-only unless {@code writable} (privileged containers).
 * <ul>
 * <li>v1 and hybrid hosts: the host's v1 hierarchies under a tmpfs (not the hybrid host's controller-less unified
 * hierarchy: the launch thread is not in the container's cgroup there, which would expose the daemon's subtree);
 * the launch thread joins the container's v1 cgroups and then unshares the cgroup namespace.</li>
 * <li>v2 ({@code unified}): one cgroup2 mount; the namespace comes from {@link CgroupNamespace}, because a thread
 * cannot be in a v2 cgroup of its own.</li>
 * </ul>
 */
public record CgroupFsView(List<Hierarchy> hierarchies, boolean unified, boolean writable) {
    public CgroupFsView(List<Hierarchy> hierarchies) {
        this(hierarchies, false, false);
    }

    /** The cgroup2 hierarchy (cgroup v2 mode). */
    public static CgroupFsView unified(boolean writable) {
        return new CgroupFsView(List.of(), true, writable);
    }

    public CgroupFsView withWritable(boolean w) {
        return new CgroupFsView(hierarchies, unified, w);
    }

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
        return !unified && hierarchies.isEmpty();
    }
}
