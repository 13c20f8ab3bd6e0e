package io.jcri.runtime.pod;

import io.jcri.runtime.CrashPoints;
import io.jcri.runtime.NamespaceMode;
import io.jcri.runtime.PodNamespaces;
import io.jcri.runtime.PodSpec;
import io.jcri.runtime.launch.Undo;
import io.jcri.runtime.sys.Native;
import io.jcri.runtime.sys.NativeException;
import io.jcri.runtime.sys.Sc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Creates a pod's namespaces on a single-use thread and pins each one by bind-mounting its nsfs file to
 * {@code <stateDir>/pods/<podId>/ns/<type>}, so the pod needs no pause process. The pins are ordinary files on
 * the host's mount table: a restarted daemon finds them again by path. A shared PID namespace is pinned here
 * too, but needs a PID 1 for new processes: {@link PodInits} starts one.
 *
 * <p>A new PID namespace can be pinned before it has an init only through its pidfd ioctl (pidfd_open
 * PIDFD_THREAD, 6.9, and PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE, 6.11: /proc/thread-self/ns/pid_for_children is
 * ENOENT until then). On older kernels {@code create} leaves the PID namespace to the init's launch, which makes
 * it as a container's own, and {@link #pinPidNamespaceOf} pins it from the running init.
 */
public final class PodNamespaceStore {
    private final Path podsDir;
    private final boolean pinPidBeforeInit;

    /** {@code pinPidBeforeInit}: the kernel can hand out a PID namespace that has no init yet (see above). */
    public PodNamespaceStore(Path stateDir, boolean pinPidBeforeInit) {
        this.podsDir = stateDir.resolve("pods");
        this.pinPidBeforeInit = pinPidBeforeInit;
    }

    public Path nsDir(String podId) {
        return podsDir.resolve(podId).resolve("ns");
    }

    public PodNamespaces create(PodSpec spec) {
        Path dir = nsDir(spec.podId());
        boolean net = spec.network() != NamespaceMode.NODE;
        boolean ipc = spec.ipc() != NamespaceMode.NODE;
        boolean pid = spec.pid() == NamespaceMode.POD && pinPidBeforeInit;
        int flags = (net ? Sc.CLONE_NEWNET | Sc.CLONE_NEWUTS : 0) | (ipc ? Sc.CLONE_NEWIPC : 0)
                | (pid ? Sc.CLONE_NEWPID : 0);
        try (Undo undo = new Undo()) {
            Files.createDirectories(dir);
            undo.push(() -> remove(spec.podId()));
            CrashPoints.reach(CrashPoints.SANDBOX_NS_DIR);
            RuntimeException[] failure = new RuntimeException[1];
            Thread t = new Thread(() -> {
                try {
                    Native.check(Native.C.unshare(flags), "unshare pod namespaces");
                    if (net && spec.hostname() != null && !spec.hostname().isEmpty())
                        Native.check(Native.C.sethostname(spec.hostname(), spec.hostname().getBytes().length),
                                "sethostname");
                    // this thread is in the new namespaces: the one place where /proc/sys shows the pod's
                    PodSysctls.apply(spec.sysctls());
                    if (net) pin("net", dir);
                    CrashPoints.reach(CrashPoints.SANDBOX_NETNS);
                    if (net) pin("uts", dir);
                    if (ipc) pin("ipc", dir);
                    if (pid) pin("pid_for_children", dir);
                } catch (RuntimeException e) {
                    failure[0] = e;
                }
            }, "jcri-pod-" + spec.podId());
            t.start();
            t.join();
            if (failure[0] != null) throw failure[0];
            undo.commit();
            return current(spec.podId());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Pins the PID namespace of the pod's running init ({@code pid}, as the host sees it). */
    public PodNamespaces pinPidNamespaceOf(String podId, long pid) {
        Path target = nsDir(podId).resolve("pid");
        try {
            Files.createFile(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Native.mount("/proc/" + pid + "/ns/pid", target.toString(), null, Sc.MS_BIND, null);
        return current(podId);
    }

    /** The pinned namespaces of a pod, or null if it has none. */
    public PodNamespaces current(String podId) {
        Path dir = nsDir(podId);
        if (!Files.isDirectory(dir)) return null;
        return new PodNamespaces(podId, existing(dir, "net"), existing(dir, "ipc"), existing(dir, "uts"),
                existing(dir, "pid"));
    }

    public void remove(String podId) {
        Path dir = nsDir(podId);
        for (String ns : new String[] {"net", "uts", "ipc", "pid"}) {
            Path p = dir.resolve(ns);
            if (!Files.exists(p)) continue;
            int rc = Native.C.umount2(p.toString(), Sc.MNT_DETACH);
            if (rc < 0 && Native.errno() != Sc.EINVAL) throw new NativeException("umount " + p, Native.errno());
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try {
            Files.deleteIfExists(dir);
            Files.deleteIfExists(dir.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void pin(String type, Path dir) {
        String name = type.equals("pid_for_children") ? "pid" : type;
        Path target = dir.resolve(name);
        try {
            Files.createFile(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (type.equals("pid_for_children")) {
            // /proc/thread-self/ns/pid_for_children is ENOENT until the namespace has an init: pin it by fd
            int fd = Native.pidNamespaceForChildren();
            try {
                Native.mount("/proc/self/fd/" + fd, target.toString(), null, Sc.MS_BIND, null);
            } finally {
                Native.closeQuietly(fd);
            }
            return;
        }
        Native.mount("/proc/thread-self/ns/" + type, target.toString(), null, Sc.MS_BIND, null);
    }

    private static Path existing(Path dir, String name) {
        Path p = dir.resolve(name);
        return Files.exists(p) ? p : null;
    }
}
