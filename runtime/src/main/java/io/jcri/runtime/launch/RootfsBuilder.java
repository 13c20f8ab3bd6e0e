package io.jcri.runtime.launch;

import io.jcri.runtime.DeviceSpec;
import io.jcri.runtime.MountSpec;
import io.jcri.runtime.security.RootfsPath;
import io.jcri.runtime.sys.Native;
import io.jcri.runtime.sys.Sc;

import jnr.ffi.Pointer;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds the container's mount tree inside the launch thread's new mount namespace, before pivot_root: overlay
 * rootfs, /proc (primary path), /dev, /sys, the pod's /etc files and the CRI bind mounts. Every mount lives only
 * in that namespace, so the kernel removes them all when the container's last process exits.
 */
final class RootfsBuilder {
    record EtcFile(String containerPath, Path hostFile) {}

    private final Path rootfs;
    private final List<Path> lowerDirs;
    private final Path upperDir;
    private final Path workDir;
    private final List<EtcFile> etcFiles;
    private final List<MountSpec> mounts;
    private final String cwd;
    private final List<DeviceSpec> devices;
    /** Per mount: the fd of its source's detached clone (bidirectional mounts), else -1. */
    private final int[] clones;

    RootfsBuilder(Path rootfs, List<Path> lowerDirs, Path upperDir, Path workDir, List<EtcFile> etcFiles,
                  List<MountSpec> mounts, String cwd, List<DeviceSpec> devices) {
        this.devices = devices;
        this.rootfs = rootfs;
        this.lowerDirs = lowerDirs;
        this.upperDir = upperDir;
        this.workDir = workDir;
        this.etcFiles = etcFiles;
        this.mounts = mounts;
        this.cwd = cwd;
        this.clones = new int[mounts.size()];
        java.util.Arrays.fill(clones, -1);
    }

    /**
     * Clones the source of every bidirectional mount (open_tree OPEN_TREE_CLONE, recursive) while the thread's new
     * mount namespace is still an exact copy of the host's: a clone of a shared mount is a peer of the host's
     * mount, so mounts made on either side propagate to the other. {@link #mountRootfs} then makes every other
     * mount a slave, so nothing else the container mounts reaches the host, and the overlay's parent stays
     * unshared, which pivot_root requires. runc gets there the other way round (rootfs propagation rshared when a
     * mount is bidirectional, then its rootfsParentMountPrivate for pivot_root); the clone keeps the rest of the
     * tree a slave, as for every other container.
     */
    void cloneBidirectionalSources() {
        for (int i = 0; i < mounts.size(); i++) {
            if (mounts.get(i).propagation() != MountSpec.Propagation.BIDIRECTIONAL) continue;
            Pointer empty = Native.cstring("");
            try (MountSource source = MountSource.open(mounts.get(i).hostPath())) {
                clones[i] = (int) Native.check(Native.syscall(Sc.OPEN_TREE, source.fd, empty.address(),
                        Sc.OPEN_TREE_CLONE | Sc.O_CLOEXEC | Sc.AT_RECURSIVE | MountSource.AT_EMPTY_PATH, 0, 0, 0),
                        "open_tree " + mounts.get(i).hostPath());
            } finally {
                Reference.reachabilityFence(empty);
            }
        }
    }

    /** Closes the clones not moved into the rootfs (a failed launch); the kernel then frees them. */
    void closeClones() {
        for (int i = 0; i < clones.length; i++) {
            if (clones[i] >= 0) Native.closeQuietly(clones[i]);
            clones[i] = -1;
        }
    }

    /** Mounts the overlay and prepares mount points; the launch thread then chdirs into {@link #rootfs}. */
    void mountRootfs() throws IOException {
        Native.mount("", "/", null, Sc.MS_SLAVE | Sc.MS_REC, null);
        OverlayMount.mount(rootfs, lowerDirs, upperDir, workDir);
        for (String d : List.of("proc", "dev", "sys", "etc")) dir(d);
        dir(PathMasking.relative(cwd));
    }

    /** /proc for the given PID namespace via the new mount API (kernel with procfs "pidns", ~6.15+). */
    void mountProcFor(int pidNsFd) {
        Pointer proc = Native.cstring("proc"), pidns = Native.cstring("pidns"), empty = Native.cstring("");
        Pointer target = Native.cstring(rootfs.resolve("proc").toString());
        int fs = (int) Native.check(Native.syscall(Sc.FSOPEN, proc.address(), Sc.FSOPEN_CLOEXEC, 0, 0, 0, 0),
                "fsopen proc");
        try {
            Native.check(Native.syscall(Sc.FSCONFIG, fs, Sc.FSCONFIG_SET_FD, pidns.address(), 0, pidNsFd, 0),
                    "fsconfig pidns");
            Native.check(Native.syscall(Sc.FSCONFIG, fs, Sc.FSCONFIG_CMD_CREATE, 0, 0, 0, 0), "fsconfig create");
            int mnt = (int) Native.check(Native.syscall(Sc.FSMOUNT, fs, Sc.FSMOUNT_CLOEXEC,
                    Sc.MOUNT_ATTR_NOSUID | Sc.MOUNT_ATTR_NODEV | Sc.MOUNT_ATTR_NOEXEC, 0, 0, 0), "fsmount proc");
            try {
                Native.check(Native.syscall(Sc.MOVE_MOUNT, mnt, empty.address(), -100 /* AT_FDCWD */,
                        target.address(), Sc.MOVE_MOUNT_F_EMPTY_PATH, 0), "move_mount proc");
            } finally {
                Native.closeQuietly(mnt);
            }
        } finally {
            Native.closeQuietly(fs);
            Reference.reachabilityFence(proc);
            Reference.reachabilityFence(pidns);
            Reference.reachabilityFence(empty);
            Reference.reachabilityFence(target);
        }
    }

    void mountDevAndSys() throws IOException {
        String dev = rootfs.resolve("dev").toString();
        Native.mount("tmpfs", dev, "tmpfs", Sc.MS_NOSUID | Sc.MS_STRICTATIME, "mode=755,size=65536k");
        int[][] nodes = {{1, 3}, {1, 5}, {1, 7}, {1, 8}, {1, 9}, {5, 0}};
        String[] names = {"null", "zero", "full", "random", "urandom", "tty"};
        for (int i = 0; i < names.length; i++) {
            String p = dev + "/" + names[i];
            Native.check(Native.C.mknod(p, 0020000 | 0666, Sc.makedev(nodes[i][0], nodes[i][1])), "mknod " + p);
            Native.check(Native.C.chmod(p, 0666), "chmod " + p);
        }
        symlink("pts/ptmx", dev + "/ptmx");
        symlink("/proc/self/fd", dev + "/fd");
        symlink("/proc/self/fd/0", dev + "/stdin");
        symlink("/proc/self/fd/1", dev + "/stdout");
        symlink("/proc/self/fd/2", dev + "/stderr");
        symlink("/proc/kcore", dev + "/core");
        for (String d : List.of("pts", "shm", "mqueue")) Files.createDirectory(Path.of(dev, d));
        Native.mount("devpts", dev + "/pts", "devpts", Sc.MS_NOSUID | Sc.MS_NOEXEC,
                "newinstance,ptmxmode=0666,mode=0620,gid=5");
        Native.mount("shm", dev + "/shm", "tmpfs", Sc.MS_NOSUID | Sc.MS_NODEV | Sc.MS_NOEXEC, "mode=1777,size=65536k");
        Native.mount("mqueue", dev + "/mqueue", "mqueue", Sc.MS_NOSUID | Sc.MS_NODEV | Sc.MS_NOEXEC, null);
        Native.mount("sysfs", rootfs.resolve("sys").toString(), "sysfs",
                Sc.MS_RDONLY | Sc.MS_NOSUID | Sc.MS_NODEV | Sc.MS_NOEXEC, null);
    }

    /**
     * /sys/fs/cgroup, read-only unless the view is writable (privileged containers); the thread is already in the
     * container's cgroup namespace, so each mount shows the container's own cgroup as its root.
     */
    void mountCgroupFs(CgroupFsView view) throws IOException {
        if (view == null || view.isEmpty()) return;
        String base = rootfs.resolve("sys/fs/cgroup").toString();
        long flags = Sc.MS_NOSUID | Sc.MS_NODEV | Sc.MS_NOEXEC;
        long readonly = view.writable() ? 0 : Sc.MS_RDONLY;
        if (view.unified()) {
            Native.mount("cgroup2", base, "cgroup2", flags | readonly, null);
            return;
        }
        Native.mount("tmpfs", base, "tmpfs", flags, "mode=755");
        for (CgroupFsView.Hierarchy h : view.hierarchies()) {
            Path dir = Files.createDirectories(Path.of(base, h.name()));
            Native.mount("cgroup", dir.toString(), "cgroup", flags | readonly, h.options());
        }
        Native.mount("", base, null, Sc.MS_REMOUNT | Sc.MS_RDONLY | flags, "mode=755");
    }

    void mountFilesAndBinds() throws IOException {
        for (EtcFile f : etcFiles) {
            Path target = target(f.containerPath(), false);
            Native.mount(f.hostFile().toString(), target.toString(), null, Sc.MS_BIND, null);
        }
        for (int i = 0; i < mounts.size(); i++) {
            MountSpec m = mounts.get(i);
            String t;
            if (clones[i] >= 0) {
                t = target(m.containerPath(), Files.isDirectory(Path.of("/proc/self/fd/" + clones[i]))).toString();
                moveClone(clones[i], t);
                Native.closeQuietly(clones[i]);
                clones[i] = -1;
            } else {
                // through the descriptor: what was opened is mounted, not whatever the path names by now
                try (MountSource source = MountSource.open(m.hostPath())) {
                    t = target(m.containerPath(), source.isDirectory()).toString();
                    Native.mount(source.procPath(), t, null, Sc.MS_BIND | Sc.MS_REC, null);
                }
            }
            if (m.readonly()) Native.mount("", t, null, Sc.MS_BIND | Sc.MS_REMOUNT | Sc.MS_RDONLY, null);
            if (m.recursiveReadOnly()) readOnlyRecursively(t);
            long propagation = switch (m.propagation()) {
                case PRIVATE -> Sc.MS_PRIVATE | Sc.MS_REC;
                case HOST_TO_CONTAINER -> Sc.MS_SLAVE | Sc.MS_REC;
                case BIDIRECTIONAL -> Sc.MS_SHARED | Sc.MS_REC;
            };
            Native.mount("", t, null, propagation, null);
        }
    }

    /** The configured device nodes, after every mount (as runc), so that no bind mount hides one. */
    void createDeviceNodes() throws IOException {
        DeviceNodes.create(rootfs, devices);
    }

    private static void moveClone(int fd, String target) {
        Pointer empty = Native.cstring(""), to = Native.cstring(target);
        try {
            Native.check(Native.syscall(Sc.MOVE_MOUNT, fd, empty.address(), -100 /* AT_FDCWD */, to.address(),
                    Sc.MOVE_MOUNT_F_EMPTY_PATH, 0), "move_mount " + target);
        } finally {
            Reference.reachabilityFence(empty);
            Reference.reachabilityFence(to);
        }
    }

    /** mount_setattr(AT_RECURSIVE, MOUNT_ATTR_RDONLY) (kernel 5.12+): the bind mount and every mount below it. */
    private static void readOnlyRecursively(String target) {
        Pointer path = Native.cstring(target), attr = Native.allocate(32); // struct mount_attr
        attr.putLong(0, Sc.MOUNT_ATTR_RDONLY); // attr_set; attr_clr, propagation, userns_fd stay 0
        try {
            Native.check(Native.syscall(Sc.MOUNT_SETATTR, -100 /* AT_FDCWD */, path.address(), Sc.AT_RECURSIVE,
                    attr.address(), 32, 0), "mount_setattr recursive read-only " + target);
        } finally {
            Reference.reachabilityFence(path);
            Reference.reachabilityFence(attr);
        }
    }

    /**
     * A mount point inside the rootfs, created if missing. Symlinks on the way are followed as the container
     * would see them, never out of the rootfs (an image's {@code /var/run -> /run} puts a mount for
     * /var/run/secrets at /run/secrets, as runc does); host paths are touched only once resolved.
     */
    private Path target(String containerPath, boolean directory) throws IOException {
        Path t = RootfsPath.resolve(rootfs, containerPath);
        if (!t.startsWith(rootfs)) throw new IllegalArgumentException("mount escapes rootfs: " + containerPath);
        Files.createDirectories(t.getParent());
        if (!Files.exists(t, LinkOption.NOFOLLOW_LINKS)) {
            if (directory) Files.createDirectories(t);
            else Files.createFile(t);
        }
        return t;
    }

    /** A directory inside the rootfs (resolved like {@link #target}); left alone if something else is there. */
    private void dir(String relative) throws IOException {
        Path p = RootfsPath.resolve(rootfs, relative);
        if (!p.startsWith(rootfs) || Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return;
        Files.createDirectories(p);
    }

    private static void symlink(String target, String link) {
        Native.check(Native.C.symlink(target, link), "symlink " + link);
    }
}
