package io.jcri.runtime.cgroup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The kind of cgroup host the tests run on, from /proc/self/mountinfo (never from a fixed path): this machine is
 * hybrid (v1 controllers, a cgroup2 mount with hugetlb only), the VM tier's guests are pure v2 (every domain
 * controller on the cgroup2 mount at the root of the cgroup tree). Tests assert what the kernel reports on each.
 */
public final class CgroupHost {
    private static final CgroupMounts MOUNTS = CgroupMounts.ofThisProcess();

    private CgroupHost() {
    }

    public static CgroupMode mode() {
        return MOUNTS.mode();
    }

    /** Pure cgroup v2: no v1 controller hierarchy, the controllers are on the cgroup2 mount. */
    public static boolean pureV2() {
        return mode() == CgroupMode.V2;
    }

    /** The cgroup2 mount; every host these tests are written for has one (hybrid or pure v2). */
    public static Path unified() {
        Path unified = MOUNTS.unified();
        if (unified == null || !Files.isWritable(unified.resolve("cgroup.procs"))) {
            throw new IllegalStateException("no writable cgroup2 mount in /proc/self/mountinfo: these tests need a "
                    + "hybrid or a pure cgroup v2 host");
        }
        return unified;
    }

    /** The controllers the cgroup2 hierarchy offers at its root (cgroup.controllers). */
    public static Set<String> unifiedControllers() {
        try {
            String text = Files.readString(unified().resolve("cgroup.controllers")).strip();
            return text.isEmpty() ? Set.of() : Set.of(text.split("\\s+"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The mount point of a v1 controller's hierarchy (null on pure v2 or where it is not mounted). */
    public static Path v1(String controller) {
        return MOUNTS.v1().get(controller);
    }

    /** Every hierarchy's root directory (each distinct v1 mount and the cgroup2 mount). */
    public static List<Path> hierarchies() {
        Set<Path> roots = new LinkedHashSet<>(MOUNTS.v1().values());
        if (MOUNTS.unified() != null) {
            roots.add(MOUNTS.unified());
        }
        return new ArrayList<>(roots);
    }

    /** {@code relative} (a cgroup path such as a test's parent) in every hierarchy. */
    public static List<Path> inEveryHierarchy(String relative) {
        return hierarchies().stream().map(root -> root.resolve(relative)).toList();
    }
}
