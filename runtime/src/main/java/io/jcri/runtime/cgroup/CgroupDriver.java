package io.jcri.runtime.cgroup;

/**
 * How cgroup parents are named. CGROUPFS: plain paths ({@code /kubepods/burstable/pod<uid>}). SYSTEMD: slice names
 * ({@code kubepods-burstable-pod<uid>.slice}) expanded to systemd's nested layout, containers in
 * {@code <prefix>-<id>.scope}. jcri writes those directories to cgroupfs itself instead of asking systemd for a
 * transient scope over D-Bus; on a host where systemd manages the tree, systemd does not know these scopes.
 */
public enum CgroupDriver {
    CGROUPFS, SYSTEMD
}
