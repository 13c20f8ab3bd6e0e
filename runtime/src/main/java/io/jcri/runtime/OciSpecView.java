package io.jcri.runtime;

import io.jcri.runtime.cgroup.DeviceRule;
import io.jcri.runtime.cgroup.Resources;
import io.jcri.runtime.security.CapabilitySet;
import io.jcri.runtime.security.MaskedPaths;
import io.jcri.runtime.security.OomScoreAdj;
import io.jcri.runtime.security.ResolvedUser;
import io.jcri.runtime.security.Rlimit;
import io.jcri.runtime.security.SeccompAction;
import io.jcri.runtime.security.SeccompArch;
import io.jcri.runtime.security.SeccompArg;
import io.jcri.runtime.security.SeccompProfile;
import io.jcri.runtime.security.SeccompRule;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the runtime applies to one container, in the JSON shape of an OCI runtime spec ({@code config.json}):
 * containerd shows the spec it handed to runc as {@code runtimeSpec} in {@code crictl inspect}, and tools and
 * habits read it there. jcri has no spec file; this view is built from the same {@link ContainerSpec} and the
 * same resolution steps the launch uses (user from the image's passwd/group, capability sets, seccomp profile,
 * masked paths, clamped oom_score_adj), so it shows what the kernel was asked for, not a copy of the request.
 * Maps and lists are plain Java values (LinkedHashMap keeps the spec's key order) for any JSON encoder.
 *
 * <p>Keys and value shapes follow runtime-spec 1.0.2 as containerd 1.6 prints it: empty and false values are
 * left out (Go's omitempty), numbers are numbers, seccomp actions and operators are libseccomp's names.
 */
final class OciSpecView {
    static final String OCI_VERSION = "1.0.2";

    /** Where the container's namespaces come from and how its cgroup and /sys/fs/cgroup were set up. */
    record Facts(Path rootfs, PodNamespaces pod, long targetPid, String cgroupsPath, boolean cgroupNamespace,
                 boolean cgroupFs, boolean unifiedCgroupFs) {
    }

    private OciSpecView() {
    }

    static Map<String, Object> render(ContainerSpec spec, Facts facts) {
        SecuritySpec s = spec.security();
        CapabilitySet caps = SecurityResolution.capabilities(s);
        Map<String, Object> oci = new LinkedHashMap<>();
        oci.put("ociVersion", OCI_VERSION);
        oci.put("process", process(spec, caps));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("path", facts.rootfs().toString());
        putIf(root, "readonly", s.readonlyRootfs());
        oci.put("root", root);
        // a container in a pod joins the pod's UTS namespace, whose hostname the pod set
        if (spec.namespaces().network() == NamespaceMode.CONTAINER && spec.hostname() != null
                && !spec.hostname().isEmpty()) {
            oci.put("hostname", spec.hostname());
        }
        oci.put("mounts", mounts(spec, facts));
        oci.put("linux", linux(spec, facts, caps));
        return oci;
    }

    private static Map<String, Object> process(ContainerSpec spec, CapabilitySet caps) {
        ProcessSpec p = spec.process();
        SecuritySpec s = spec.security();
        Map<String, Object> m = new LinkedHashMap<>();
        putIf(m, "terminal", p.tty());
        ResolvedUser user = SecurityResolution.user(s, spec.lowerDirs());
        Map<String, Object> u = new LinkedHashMap<>();
        u.put("uid", user.uid());
        u.put("gid", user.gid());
        if (!user.additionalGids().isEmpty()) u.put("additionalGids", user.additionalGids());
        m.put("user", u);
        m.put("args", p.args());
        m.put("env", p.env());
        m.put("cwd", p.cwd());
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("bounding", CapabilitySet.names(caps.bounding()));
        c.put("effective", CapabilitySet.names(caps.effective()));
        if (caps.inheritable() != 0) c.put("inheritable", CapabilitySet.names(caps.inheritable()));
        c.put("permitted", CapabilitySet.names(caps.permitted()));
        if (caps.ambient() != 0) c.put("ambient", CapabilitySet.names(caps.ambient()));
        m.put("capabilities", c);
        if (!s.rlimits().isEmpty()) {
            List<Map<String, Object>> rl = new ArrayList<>();
            for (Rlimit r : s.rlimits()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("type", r.type());
                e.put("hard", unsigned(r.hard()));
                e.put("soft", unsigned(r.soft()));
                rl.add(e);
            }
            m.put("rlimits", rl);
        }
        putIf(m, "noNewPrivileges", s.noNewPrivs());
        m.put("oomScoreAdj", OomScoreAdj.clampForThisProcess(s.oomScoreAdj()));
        return m;
    }

    /** The mounts in the order the launch makes them (see {@code launch.RootfsBuilder}). */
    private static List<Map<String, Object>> mounts(ContainerSpec spec, Facts facts) {
        List<Map<String, Object>> out = new ArrayList<>();
        out.add(mount("/proc", "proc", "proc", "nosuid", "noexec", "nodev"));
        out.add(mount("/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k"));
        out.add(mount("/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666",
                "mode=0620", "gid=5"));
        out.add(mount("/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k"));
        out.add(mount("/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev"));
        out.add(mount("/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro"));
        if (facts.cgroupFs()) {
            String mode = spec.security().privileged() ? "rw" : "ro";
            out.add(facts.unifiedCgroupFs()
                    ? mount("/sys/fs/cgroup", "cgroup2", "cgroup2", "nosuid", "noexec", "nodev", mode)
                    : mount("/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", mode));
        }
        if (spec.hostsFile() != null) out.add(etcFile("/etc/hosts", spec.hostsFile()));
        if (spec.resolvConfFile() != null) out.add(etcFile("/etc/resolv.conf", spec.resolvConfFile()));
        if (spec.hostnameFile() != null) out.add(etcFile("/etc/hostname", spec.hostnameFile()));
        for (MountSpec m : spec.mounts()) {
            List<String> options = new ArrayList<>();
            options.add("rbind");
            options.add(switch (m.propagation()) {
                case PRIVATE -> "rprivate";
                case HOST_TO_CONTAINER -> "rslave";
                case BIDIRECTIONAL -> "rshared";
            });
            options.add(m.readonly() ? "ro" : "rw");
            if (m.recursiveReadOnly()) options.add("rro");
            out.add(mount(m.containerPath(), "bind", m.hostPath().toString(), options.toArray(String[]::new)));
        }
        return out;
    }

    private static Map<String, Object> etcFile(String destination, Path source) {
        return mount(destination, "bind", source.toString(), "bind", "rw");
    }

    private static Map<String, Object> mount(String destination, String type, String source, String... options) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("destination", destination);
        m.put("type", type);
        m.put("source", source);
        m.put("options", List.of(options));
        return m;
    }

    private static Map<String, Object> linux(ContainerSpec spec, Facts facts, CapabilitySet caps) {
        SecuritySpec s = spec.security();
        Map<String, Object> linux = new LinkedHashMap<>();
        linux.put("resources", resources(spec.resources(), s.privileged()));
        linux.put("cgroupsPath", facts.cgroupsPath());
        linux.put("namespaces", namespaces(spec.namespaces(), facts));
        SeccompProfile profile = SecurityResolution.seccomp(s, caps);
        if (profile != null) linux.put("seccomp", seccomp(profile));
        List<String> masked = s.privileged() ? List.of()
                : s.maskedPaths() == null ? MaskedPaths.masked(false) : s.maskedPaths();
        List<String> readonly = s.privileged() ? List.of()
                : s.readonlyPaths() == null ? MaskedPaths.readonly(false) : s.readonlyPaths();
        if (!masked.isEmpty()) linux.put("maskedPaths", masked);
        if (!readonly.isEmpty()) linux.put("readonlyPaths", readonly);
        return linux;
    }

    private static Map<String, Object> resources(Resources r, boolean privileged) {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Map<String, Object>> devices = new ArrayList<>();
        devices.add(device(false, null, "rwm"));
        for (DeviceRule rule : privileged ? DeviceRule.ALLOW_ALL : DeviceRule.DEFAULT_ALLOWED) {
            devices.add(device(true, rule, rule.access()));
        }
        m.put("devices", devices);
        Map<String, Object> memory = new LinkedHashMap<>();
        putIfSet(memory, "limit", r.memoryLimitBytes());
        putIfSet(memory, "swap", r.memorySwapLimitBytes());
        if (!memory.isEmpty()) m.put("memory", memory);
        Map<String, Object> cpu = new LinkedHashMap<>();
        putIfSet(cpu, "shares", r.cpuShares());
        putIfSet(cpu, "quota", r.cpuQuota());
        putIfSet(cpu, "period", r.cpuPeriod());
        if (r.cpusetCpus() != null && !r.cpusetCpus().isEmpty()) cpu.put("cpus", r.cpusetCpus());
        if (r.cpusetMems() != null && !r.cpusetMems().isEmpty()) cpu.put("mems", r.cpusetMems());
        if (!cpu.isEmpty()) m.put("cpu", cpu);
        if (r.pidsLimit() != null && r.pidsLimit() != 0) m.put("pids", Map.of("limit", r.pidsLimit()));
        if (!r.hugepageLimits().isEmpty()) {
            List<Map<String, Object>> pages = new ArrayList<>();
            r.hugepageLimits().forEach((size, limit) -> {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("pageSize", size);
                p.put("limit", limit);
                pages.add(p);
            });
            m.put("hugepageLimits", pages);
        }
        if (!r.unified().isEmpty()) m.put("unified", r.unified());
        return m;
    }

    private static Map<String, Object> device(boolean allow, DeviceRule rule, String access) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("allow", allow);
        if (rule != null) {
            d.put("type", String.valueOf(rule.type()));
            if (rule.major() != null) d.put("major", rule.major());
            if (rule.minor() != null) d.put("minor", rule.minor());
        }
        d.put("access", access);
        return d;
    }

    /** In containerd's order; a namespace of the node is not listed (the process stays in the host's). */
    private static List<Map<String, Object>> namespaces(NamespaceSpec ns, Facts facts) {
        PodNamespaces pod = facts.pod();
        List<Map<String, Object>> out = new ArrayList<>();
        switch (ns.pid()) {
            case CONTAINER -> out.add(namespace("pid", null));
            case POD -> out.add(namespace("pid", pod == null ? null : pod.pid()));
            case TARGET -> out.add(namespace("pid", facts.targetPid() > 0
                    ? Path.of("/proc/" + facts.targetPid() + "/ns/pid") : null));
            case NODE -> { }
        }
        switch (ns.ipc()) {
            case CONTAINER -> out.add(namespace("ipc", null));
            case POD -> {
                if (pod == null || pod.ipc() != null) out.add(namespace("ipc", pod == null ? null : pod.ipc()));
            }
            default -> { }
        }
        // UTS follows the network mode (NamespacePlan)
        switch (ns.network()) {
            case CONTAINER -> out.add(namespace("uts", null));
            case POD -> {
                if (pod == null || pod.uts() != null) out.add(namespace("uts", pod == null ? null : pod.uts()));
            }
            default -> { }
        }
        out.add(namespace("mount", null));
        switch (ns.network()) {
            case CONTAINER -> out.add(namespace("network", null));
            case POD -> {
                if (pod == null || pod.net() != null) out.add(namespace("network", pod == null ? null : pod.net()));
            }
            default -> { }
        }
        if (facts.cgroupNamespace()) out.add(namespace("cgroup", null));
        return out;
    }

    private static Map<String, Object> namespace(String type, Path path) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        if (path != null) m.put("path", path.toString());
        return m;
    }

    static Map<String, Object> seccomp(SeccompProfile p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("defaultAction", actionName(p.defaultAction()));
        errnoRet(p.defaultAction()).ifPresent(e -> m.put("defaultErrnoRet", e));
        m.put("architectures", p.architectures().stream().map(SeccompArch::ociName).toList());
        List<String> flags = new ArrayList<>();
        if ((p.flags() & SeccompProfile.FLAG_LOG) != 0) flags.add("SECCOMP_FILTER_FLAG_LOG");
        if ((p.flags() & SeccompProfile.FLAG_SPEC_ALLOW) != 0) flags.add("SECCOMP_FILTER_FLAG_SPEC_ALLOW");
        if ((p.flags() & SeccompProfile.FLAG_WAIT_KILLABLE_RECV) != 0) {
            flags.add("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
        }
        if (!flags.isEmpty()) m.put("flags", flags);
        List<Map<String, Object>> syscalls = new ArrayList<>();
        for (SeccompRule rule : p.rules()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("names", rule.names());
            r.put("action", actionName(rule.action()));
            errnoRet(rule.action()).ifPresent(e -> r.put("errnoRet", e));
            if (!rule.args().isEmpty()) {
                List<Map<String, Object>> args = new ArrayList<>();
                for (SeccompArg a : rule.args()) {
                    Map<String, Object> arg = new LinkedHashMap<>();
                    arg.put("index", a.index());
                    arg.put("value", unsigned(a.value()));
                    if (a.valueTwo() != 0) arg.put("valueTwo", unsigned(a.valueTwo()));
                    arg.put("op", "SCMP_CMP_" + a.op().name());
                    args.add(arg);
                }
                r.put("args", args);
            }
            syscalls.add(r);
        }
        m.put("syscalls", syscalls);
        return m;
    }

    private static String actionName(SeccompAction a) {
        return switch (a.kind()) {
            case ALLOW -> "SCMP_ACT_ALLOW";
            case ERRNO -> "SCMP_ACT_ERRNO";
            case KILL_THREAD -> "SCMP_ACT_KILL";
            case KILL_PROCESS -> "SCMP_ACT_KILL_PROCESS";
            case TRAP -> "SCMP_ACT_TRAP";
            case TRACE -> "SCMP_ACT_TRACE";
            case LOG -> "SCMP_ACT_LOG";
        };
    }

    /** EPERM is what an ERRNO action without errnoRet returns (runc), so only other values are shown. */
    private static java.util.Optional<Integer> errnoRet(SeccompAction a) {
        boolean carries = a.kind() == SeccompAction.Kind.ERRNO || a.kind() == SeccompAction.Kind.TRACE;
        return carries && a.data() != SeccompAction.EPERM ? java.util.Optional.of(a.data())
                : java.util.Optional.empty();
    }

    private static Object unsigned(long v) {
        return v >= 0 ? (Object) v : new BigInteger(Long.toUnsignedString(v));
    }

    private static void putIf(Map<String, Object> m, String key, boolean value) {
        if (value) m.put(key, true);
    }

    private static void putIfSet(Map<String, Object> m, String key, Long value) {
        if (value != null && value != 0) m.put(key, value);
    }
}
