package io.jcri.runtime.cgroup;

import java.util.ArrayList;
import java.util.List;

/** Turns a cgroup parent and a container name into a path relative to the hierarchy root, per driver. */
final class CgroupPaths {
    private CgroupPaths() {
    }

    static String containerPath(CgroupDriver driver, String scopePrefix, String parent, String name) {
        requireName(name);
        return switch (driver) {
            case CGROUPFS -> join(parentPath(driver, parent), name);
            case SYSTEMD -> join(parentPath(driver, parent),
                    name.endsWith(".scope") ? name : scopePrefix + "-" + name + ".scope");
        };
    }

    /** cgroupfs: the path itself; systemd: a slice name expanded to its nesting, or an already nested path. */
    static String parentPath(CgroupDriver driver, String parent) {
        String p = parent == null ? "" : parent.strip();
        if (driver == CgroupDriver.SYSTEMD && !p.contains("/")) {
            return expandSlice(p);
        }
        List<String> parts = new ArrayList<>();
        for (String part : p.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw new IllegalArgumentException("cgroup parent \"" + parent + "\" must not contain \"..\"");
            }
            parts.add(part);
        }
        return String.join("/", parts);
    }

    /**
     * The slice unit a systemd cgroup parent names: a slice name itself, the last part of an expanded path, or the
     * root slice ("-.slice") for none.
     */
    static String sliceUnit(String parent) {
        String p = parent == null ? "" : parent.strip();
        while (p.endsWith("/")) p = p.substring(0, p.length() - 1);
        String last = p.substring(p.lastIndexOf('/') + 1);
        if (last.isEmpty()) return "-.slice";
        if (!last.endsWith(".slice")) {
            throw new IllegalArgumentException("systemd cgroup parent \"" + parent + "\" does not end in a .slice");
        }
        return last;
    }

    /** "a-b-c.slice" lives at "a.slice/a-b.slice/a-b-c.slice"; "" and "-.slice" are the root slice. */
    static String expandSlice(String slice) {
        if (slice.isEmpty() || slice.equals("-.slice")) {
            return "";
        }
        if (!slice.endsWith(".slice")) {
            throw new IllegalArgumentException("systemd cgroup parent \"" + slice + "\" is not a .slice name");
        }
        String base = slice.substring(0, slice.length() - ".slice".length());
        if (base.isEmpty() || base.startsWith("-") || base.endsWith("-") || base.contains("--")) {
            throw new IllegalArgumentException("invalid systemd slice name \"" + slice + "\"");
        }
        StringBuilder path = new StringBuilder();
        StringBuilder prefix = new StringBuilder();
        for (String part : base.split("-")) {
            if (prefix.length() > 0) {
                prefix.append('-');
                path.append('/');
            }
            prefix.append(part);
            path.append(prefix).append(".slice");
        }
        return path.toString();
    }

    private static void requireName(String name) {
        if (name == null || name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("invalid cgroup name \"" + name + "\"");
        }
    }

    private static String join(String parent, String name) {
        return parent.isEmpty() ? name : parent + "/" + name;
    }
}
