package io.jcri.runtime;

import io.jcri.runtime.cgroup.Resources;

import java.nio.file.Path;
import java.util.List;

/**
 * A container to create, in CRI terms.
 *
 * @param podId          the pod sandbox whose namespaces POD modes join (null: a standalone container)
 * @param lowerDirs      the image's layer snapshots, top layer first (overlay lowerdir order)
 * @param cgroupParent   the pod's cgroup parent (null: the runtime default)
 * @param hostname       set in a new UTS namespace only (a pod's UTS namespace already has the pod's)
 * @param hostsFile      bind-mounted over /etc/hosts when not null; likewise resolv.conf and hostname
 * @param devices        host device nodes to create in the container and allow in its device cgroup
 */
public record ContainerSpec(String id, String podId, List<Path> lowerDirs, ProcessSpec process,
                            List<MountSpec> mounts, NamespaceSpec namespaces, SecuritySpec security,
                            Resources resources, String cgroupParent, String hostname, Path hostsFile,
                            Path resolvConfFile, Path hostnameFile, List<DeviceSpec> devices) {
    public ContainerSpec {
        if (id == null || !id.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}"))
            throw new IllegalArgumentException("bad container id: " + id);
        if (lowerDirs == null || lowerDirs.isEmpty()) throw new IllegalArgumentException("no rootfs layers");
        lowerDirs = List.copyOf(lowerDirs);
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
        if (namespaces == null) namespaces = podId == null ? NamespaceSpec.isolated() : NamespaceSpec.podDefault();
        if (security == null) security = SecuritySpec.defaults();
        if (resources == null) resources = Resources.none();
        devices = devices == null ? List.of() : List.copyOf(devices);
    }

    /** A standalone container with private namespaces and default security. */
    public static ContainerSpec of(String id, List<Path> lowerDirs, ProcessSpec process) {
        return new ContainerSpec(id, null, lowerDirs, process, List.of(), null, null, null, null, id, null, null,
                null, List.of());
    }

    public ContainerSpec inPod(String podId, NamespaceSpec ns) {
        return new ContainerSpec(id, podId, lowerDirs, process, mounts, ns, security, resources, cgroupParent,
                hostname, hostsFile, resolvConfFile, hostnameFile, devices);
    }

    public ContainerSpec withSecurity(SecuritySpec s) {
        return new ContainerSpec(id, podId, lowerDirs, process, mounts, namespaces, s, resources, cgroupParent,
                hostname, hostsFile, resolvConfFile, hostnameFile, devices);
    }

    public ContainerSpec withMounts(List<MountSpec> m) {
        return new ContainerSpec(id, podId, lowerDirs, process, m, namespaces, security, resources, cgroupParent,
                hostname, hostsFile, resolvConfFile, hostnameFile, devices);
    }

    public ContainerSpec withResources(Resources r) {
        return new ContainerSpec(id, podId, lowerDirs, process, mounts, namespaces, security, r, cgroupParent,
                hostname, hostsFile, resolvConfFile, hostnameFile, devices);
    }

    public ContainerSpec withEtcFiles(Path hosts, Path resolvConf, Path hostnameFile) {
        return new ContainerSpec(id, podId, lowerDirs, process, mounts, namespaces, security, resources,
                cgroupParent, hostname, hosts, resolvConf, hostnameFile, devices);
    }

    public ContainerSpec withProcess(ProcessSpec p) {
        return new ContainerSpec(id, podId, lowerDirs, p, mounts, namespaces, security, resources, cgroupParent,
                hostname, hostsFile, resolvConfFile, hostnameFile, devices);
    }

    public ContainerSpec withDevices(List<DeviceSpec> d) {
        return new ContainerSpec(id, podId, lowerDirs, process, mounts, namespaces, security, resources, cgroupParent,
                hostname, hostsFile, resolvConfFile, hostnameFile, d);
    }
}
