package io.jcri.runtime.pod;

import io.jcri.runtime.NamespaceMode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A pod's sysctls (CRI {@code LinuxPodSandboxConfig.sysctls}): checked against the pod's namespaces as runc
 * checks a container's ({@code libcontainer/configs/validate}, {@code sysctl}), then written to /proc/sys by a
 * thread that is inside the pod's network and IPC namespaces, because /proc/sys/net and the IPC sysctls show
 * the namespaces of the task that opens them. containerd puts the pod's sysctls into every container's OCI spec
 * and runc writes them in that container's namespaces; a jcri container always joins its pod's network and IPC
 * namespaces (the CRI has no per-container sysctls, and jcri takes a container's network and IPC modes from its
 * pod, as kubelet always asks), so writing them once per pod reaches every container, also those created later.
 *
 * <p>Rules (runc's): {@code net.*} needs the pod's own network namespace; {@code kernel.msg*},
 * {@code kernel.sem}, {@code kernel.shm*} (the eight IPC ones) and {@code fs.mqueue.*} need its own IPC
 * namespace; everything else is not namespaced and refused. {@code kernel.hostname} and {@code kernel.domainname}
 * are refused too (runc allows {@code kernel.domainname}): the pod's UTS namespace is jcri's, named from the
 * sandbox config's hostname alone.
 *
 * <p>Names are taken in dot form ({@code net.ipv4.ip_forward}) or slash form ({@code net/ipv4/ip_forward}), as
 * sysctl(8) and kubelet read them: when the first separator is a slash the name is a path, otherwise dots
 * separate the levels and a slash stands for a dot inside a level ({@code net.ipv4.conf.eth0/100.forwarding}).
 */
public final class PodSysctls {
    private static final Set<String> IPC = Set.of("kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
            "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_:@+-]+([./][A-Za-z0-9_:@+-]+)*");
    private static final int MAX_NAME = 256;
    private static final int MAX_VALUE = 4096;
    static final Path PROC_SYS = Path.of("/proc/sys");

    private PodSysctls() {
    }

    /**
     * The sysctls in dot form, in name order, after runc's checks for a pod with these network and IPC modes.
     *
     * @throws IllegalArgumentException naming the sysctl and why it cannot be set
     */
    public static Map<String, String> check(Map<String, String> sysctls, NamespaceMode network, NamespaceMode ipc) {
        if (sysctls == null || sysctls.isEmpty()) return Map.of();
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, String> e : sysctls.entrySet()) {
            String given = e.getKey();
            if (given.length() > MAX_NAME || !NAME.matcher(given).matches())
                throw new IllegalArgumentException("sysctl " + quote(given) + " is not a sysctl name");
            String name = dotted(given);
            checkValue(name, e.getValue());
            if (IPC.contains(name) || name.startsWith("fs.mqueue.")) {
                if (ipc == NamespaceMode.NODE)
                    throw new IllegalArgumentException("sysctl " + quote(name) + " is not allowed in the host's ipc"
                            + " namespace (the pod uses the node's IPC namespace)");
            } else if (name.startsWith("net.")) {
                if (network == NamespaceMode.NODE)
                    throw new IllegalArgumentException("sysctl " + quote(name) + " is not allowed in the host's"
                            + " network namespace (the pod uses the node's network)");
            } else if (name.equals("kernel.hostname") || name.equals("kernel.domainname")) {
                throw new IllegalArgumentException("sysctl " + quote(name) + " is not allowed: the pod's UTS"
                        + " namespace takes its name from the sandbox config's hostname");
            } else {
                throw new IllegalArgumentException("sysctl " + quote(name) + " is not in a separate kernel namespace");
            }
            if (out.put(name, e.getValue()) != null)
                throw new IllegalArgumentException("sysctl " + quote(name) + " is given twice (dot and slash form)");
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * Writes checked sysctls; must run on a thread inside the pod's network and IPC namespaces.
     *
     * @throws IllegalArgumentException when the kernel has no such sysctl or refuses the value
     */
    static void apply(Map<String, String> dotted) {
        for (Map.Entry<String, String> e : dotted.entrySet()) {
            Path file = PROC_SYS.resolve(path(e.getKey()));
            try {
                Files.writeString(file, e.getValue(), StandardCharsets.UTF_8, StandardOpenOption.WRITE);
            } catch (NoSuchFileException ex) {
                throw new IllegalArgumentException("sysctl " + quote(e.getKey()) + " does not exist on this kernel"
                        + " (no " + file + ")", ex);
            } catch (FileSystemException ex) {
                throw new IllegalArgumentException("sysctl " + quote(e.getKey()) + " = " + quote(e.getValue())
                        + ": the kernel refused the value (" + reason(ex) + ")", ex);
            } catch (IOException ex) {
                throw new IllegalArgumentException("sysctl " + quote(e.getKey()) + " = " + quote(e.getValue())
                        + ": the kernel refused the value (" + ex.getMessage() + ")", ex);
            }
        }
    }

    /** sysctl(8)'s reading: a path when the first separator is '/', else dots between levels. */
    static String dotted(String name) {
        int dot = name.indexOf('.'), slash = name.indexOf('/');
        if (slash < 0 || (dot >= 0 && dot < slash)) return name;
        StringBuilder sb = new StringBuilder(name.length());
        for (char ch : name.toCharArray()) sb.append(ch == '/' ? '.' : ch == '.' ? '/' : ch);
        return sb.toString();
    }

    /** The path below /proc/sys of a dotted name. */
    static String path(String dotted) {
        StringBuilder sb = new StringBuilder(dotted.length());
        for (char ch : dotted.toCharArray()) sb.append(ch == '.' ? '/' : ch == '/' ? '.' : ch);
        return sb.toString();
    }

    private static void checkValue(String name, String value) {
        if (value == null || value.length() > MAX_VALUE)
            throw new IllegalArgumentException("sysctl " + quote(name) + " has no value or one over " + MAX_VALUE
                    + " characters");
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
                throw new IllegalArgumentException("sysctl " + quote(name) + " value " + quote(value)
                        + " contains a control character");
        }
    }

    private static String reason(FileSystemException ex) {
        String r = ex.getReason();
        return r == null ? ex.getClass().getSimpleName() : r;
    }

    private static String quote(String s) {
        String cut = s.length() > 200 ? s.substring(0, 200) + "..." : s;
        return "\"" + cut.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r")
                .replace("\0", "\\0") + "\"";
    }
}
