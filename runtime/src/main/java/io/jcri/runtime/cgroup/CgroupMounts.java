package io.jcri.runtime.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cgroup mounts of this mount namespace, from /proc/self/mountinfo: v1 hierarchies by controller (and
 * "name=..." for named ones) and the cgroup2 mount, if any.
 */
record CgroupMounts(Map<String, Path> v1, Path unified) {
    private static final List<String> V1_OPTIONS_NOT_CONTROLLERS = List.of("rw", "ro", "relatime", "noatime",
            "nosuid", "nodev", "noexec", "clone_children", "xattr", "noprefix", "cpuset_v2_mode", "favordynmods");

    CgroupMounts {
        v1 = Map.copyOf(v1);
    }

    static CgroupMounts ofThisProcess() {
        try {
            return parse(Files.readAllLines(Path.of("/proc/self/mountinfo")));
        } catch (IOException e) {
            throw new CgroupException("cannot read /proc/self/mountinfo", e);
        }
    }

    /** mountinfo: id parent major:minor root mountpoint options [optional...] - fstype source superoptions */
    static CgroupMounts parse(List<String> mountinfo) {
        Map<String, Path> v1 = new LinkedHashMap<>();
        Path unified = null;
        for (String line : mountinfo) {
            String[] fields = line.split(" ");
            int separator = List.of(fields).indexOf("-");
            if (separator < 0 || fields.length < separator + 4) {
                continue;
            }
            Path mountPoint = Path.of(unescape(fields[4]));
            String type = fields[separator + 1];
            if (type.equals("cgroup2")) {
                if (unified == null) {
                    unified = mountPoint;
                }
            } else if (type.equals("cgroup")) {
                for (String option : fields[separator + 3].split(",")) {
                    if (!V1_OPTIONS_NOT_CONTROLLERS.contains(option) && !option.startsWith("release_agent=")) {
                        v1.putIfAbsent(option, mountPoint);
                    }
                }
            }
        }
        return new CgroupMounts(v1, unified);
    }

    /** mountinfo escapes space, tab, newline and backslash as octal. */
    private static String unescape(String field) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    CgroupMode mode() {
        boolean controllers = v1.keySet().stream().anyMatch(k -> !k.startsWith("name="));
        if (controllers) {
            return unified != null ? CgroupMode.HYBRID : CgroupMode.V1;
        }
        if (unified == null) {
            throw new CgroupException("no cgroup filesystem is mounted");
        }
        return CgroupMode.V2;
    }
}
