/**
 * cgroups for containers and pods, on v1, v2 and hybrid hosts.
 *
 * <p>Use: {@code CgroupManager.detect(driver).forContainer(parent, id)}, then {@code create()},
 * {@code restrictDevices(...)}, {@code apply(resources)}, and put the child in before it runs user code:
 * <ul>
 *   <li>v1 and hybrid: {@code addCurrentThread()} on the single-use launch thread before spawning; the child is
 *   born in every hierarchy. Every thread that the launch thread creates meanwhile is born there too (the JDK's
 *   "process reaper" when ProcessBuilder is used; jnr's helper thread), so spawn with posix_spawn through FFI
 *   and initialise everything beforehand. {@code killAll()} freezes the cgroup: no JVM thread may be in it.</li>
 *   <li>v2: {@code addCurrentThread} throws (a thread cannot join a domain cgroup); hold the child at a gate before
 *   execve and {@code addProcess(pid)}, or use clone3 CLONE_INTO_CGROUP where glibc has it.</li>
 * </ul>
 * Verified on this machine (kernel 6.18, v1 hybrid): everything v1 against the real hierarchies; on the
 * controller-less cgroup2 mount creation, delegation (hugetlb, the one controller it offers), membership,
 * cgroup.kill, the eBPF device filter and removal; the v2 cpu/memory/pids files and statistics only over a fake
 * cgroupfs. Without {@code restrictDevices} a container holding CAP_MKNOD (in the default set) can create and
 * open any device node, the host's disks included.
 */
package io.jcri.runtime.cgroup;
