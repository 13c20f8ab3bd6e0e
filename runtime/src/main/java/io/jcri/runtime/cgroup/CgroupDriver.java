package io.jcri.runtime.cgroup;

/**
 * How cgroup parents are named. CGROUPFS: plain paths ({@code /kubepods/burstable/pod<uid>}). SYSTEMD: slice names
 * ({@code kubepods-burstable-pod<uid>.slice}) expanded to systemd's nested layout, containers in
 * {@code <prefix>-<id>.scope}: on cgroup v2 transient scopes systemd creates over D-Bus ({@link SystemdScope}),
 * on v1 and hybrid hosts directories jcri writes itself (systemd does not know those).
 */
public enum CgroupDriver {
    CGROUPFS, SYSTEMD
}
