package io.jcri.runtime.cgroup;

import java.util.List;

/**
 * An allow rule of the device controller: type 'a' (all), 'b' (block) or 'c' (char), major/minor (null: any),
 * access a subset of "rwm".
 */
public record DeviceRule(char type, Long major, Long minor, String access) {
    /**
     * What containerd allows a container besides its explicitly configured devices: mknod of anything, and the
     * standard nodes of /dev (null, zero, full, random, urandom, tty, console, ptmx, pts, net/tun).
     */
    public static final List<DeviceRule> DEFAULT_ALLOWED = List.of(
            new DeviceRule('c', null, null, "m"),
            new DeviceRule('b', null, null, "m"),
            new DeviceRule('c', 1L, 3L, "rwm"),
            new DeviceRule('c', 1L, 8L, "rwm"),
            new DeviceRule('c', 1L, 7L, "rwm"),
            new DeviceRule('c', 5L, 0L, "rwm"),
            new DeviceRule('c', 1L, 5L, "rwm"),
            new DeviceRule('c', 1L, 9L, "rwm"),
            new DeviceRule('c', 5L, 1L, "rwm"),
            new DeviceRule('c', 136L, null, "rwm"),
            new DeviceRule('c', 5L, 2L, "rwm"),
            new DeviceRule('c', 10L, 200L, "rwm"));

    /** Everything (privileged containers). */
    public static final List<DeviceRule> ALLOW_ALL = List.of(new DeviceRule('a', null, null, "rwm"));

    public DeviceRule {
        if (type != 'a' && type != 'b' && type != 'c') {
            throw new IllegalArgumentException("device type must be a, b or c, got " + type);
        }
        if (access.isEmpty() || !access.chars().allMatch(c -> c == 'r' || c == 'w' || c == 'm')) {
            throw new IllegalArgumentException("device access must be a subset of rwm, got \"" + access + "\"");
        }
    }

    /** The line devices.allow takes and devices.list shows: "c 1:3 rwm", "c 136:* rwm", "a *:* rwm". */
    public String toV1() {
        return type + " " + (major == null ? "*" : major) + ":" + (minor == null ? "*" : minor) + " " + access;
    }
}
