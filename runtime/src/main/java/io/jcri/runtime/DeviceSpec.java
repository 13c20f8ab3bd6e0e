package io.jcri.runtime;

import io.jcri.runtime.cgroup.DeviceRule;

/**
 * A host device node the container gets (CRI {@code Device}, OCI {@code linux.devices}): created at
 * {@code containerPath} with the host node's type, numbers, permission bits and owner, and allowed in the device
 * cgroup with {@code access} (a subset of "rwm").
 */
public record DeviceSpec(String containerPath, char type, int major, int minor, int fileMode, int uid, int gid,
                         String access) {
    public DeviceSpec {
        if (containerPath == null || !containerPath.startsWith("/")) {
            throw new IllegalArgumentException("device container path must be absolute: " + containerPath);
        }
        if (type != 'b' && type != 'c') throw new IllegalArgumentException("device type must be b or c: " + type);
        new DeviceRule(type, (long) major, (long) minor, access); // checks access
    }

    public DeviceRule cgroupRule() {
        return new DeviceRule(type, (long) major, (long) minor, access);
    }
}
