package io.jcri.runtime.launch;

import io.jcri.runtime.sys.Native;
import io.jcri.runtime.kernel.KernelFeature;
import io.jcri.runtime.kernel.KernelFeatures;
import io.jcri.runtime.sys.Sc;
import jnr.ffi.Pointer;

import io.jcri.runtime.state.Trash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The container's overlay root filesystem. mount(2) takes its options in one page (4095 bytes), which holds
 * only ~40 absolute snapshot paths, while images may have up to 127 layers. Beyond that the layers go one by one
 * through fsconfig "lowerdir+" (kernel 6.8+); on older kernels, as paths relative to their common parent
 * directory, or to a directory of short links to them, which the launch thread makes its working directory (its
 * cwd is its own: CLONE_FS was unshared).
 */
final class OverlayMount {
    static final int MAX_DATA = 4095;

    private OverlayMount() {}

    static void mount(Path target, List<Path> lowerDirs, Path upper, Path work) {
        String data = data(lowerDirs.stream().map(Path::toString).toList(), upper, work);
        if (data.length() <= MAX_DATA) {
            Native.mount("overlay", target.toString(), "overlay", 0, data);
            return;
        }
        KernelFeatures kernel = KernelFeatures.probe();
        if (kernel.has(KernelFeature.OVERLAY_LOWERDIR_PLUS) && kernel.has(KernelFeature.FSCONFIG)) {
            mountLayerByLayer(target, lowerDirs, upper, work);
        } else {
            mountRelative(target, lowerDirs, upper, work);
        }
    }

    static String data(List<String> lower, Path upper, Path work) {
        return "lowerdir=" + String.join(":", lower) + ",upperdir=" + upper + ",workdir=" + work;
    }

    /**
     * mount(2) with lower dirs relative to their common parent; when even that is more than a page (an image of
     * more than ~60 layers named by digest), through a directory of short symlinks beside {@code work}, one per
     * layer, as Docker's overlay2 driver does: overlayfs resolves each lower dir (following links) at mount time,
     * so the links are removed right after.
     */
    static void mountRelative(Path target, List<Path> lowerDirs, Path upper, Path work) {
        Path parent = commonParent(lowerDirs);
        String data = data(lowerDirs.stream().map(d -> parent.relativize(d).toString()).toList(), upper, work);
        if (data.length() <= MAX_DATA) {
            Native.check(Native.C.chdir(parent.toString()), "chdir " + parent);
            Native.mount("overlay", target.toString(), "overlay", 0, data);
            return;
        }
        mountThroughLinks(target, lowerDirs, upper, work);
    }

    private static void mountThroughLinks(Path target, List<Path> lowerDirs, Path upper, Path work) {
        Path links = work.resolveSibling(work.getFileName() + "-layers");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < lowerDirs.size(); i++) names.add(Integer.toString(i, Character.MAX_RADIX));
        String data = data(names, upper, work);
        if (data.length() > MAX_DATA) {
            throw new IllegalArgumentException("an image of " + lowerDirs.size() + " layers needs a kernel with"
                    + " overlayfs \"lowerdir+\" (6.8+): even as short links its layer list is " + data.length()
                    + " bytes, mount(2) takes " + MAX_DATA);
        }
        try {
            Trash.deleteTree(links); // a launch that failed half-way
            Files.createDirectories(links);
            try {
                for (int i = 0; i < lowerDirs.size(); i++) {
                    Path link = links.resolve(names.get(i));
                    Native.check(Native.C.symlink(lowerDirs.get(i).toAbsolutePath().toString(), link.toString()),
                            "symlink " + link);
                }
                Native.check(Native.C.chdir(links.toString()), "chdir " + links);
                Native.mount("overlay", target.toString(), "overlay", 0, data);
            } finally {
                Trash.deleteTree(links);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the layer links in " + links, e);
        }
    }

    static Path commonParent(List<Path> dirs) {
        Path common = dirs.get(0).toAbsolutePath().getParent();
        for (Path d : dirs) {
            while (!d.toAbsolutePath().startsWith(common)) common = common.getParent();
        }
        return common;
    }

    private static void mountLayerByLayer(Path target, List<Path> lowerDirs, Path upper, Path work) {
        List<Pointer> keep = new ArrayList<>();
        Pointer type = keep(keep, "overlay"), empty = keep(keep, ""), to = keep(keep, target.toString());
        int fs = (int) Native.check(Native.syscall(Sc.FSOPEN, type.address(), Sc.FSOPEN_CLOEXEC, 0, 0, 0, 0),
                "fsopen overlay");
        try {
            for (Path d : lowerDirs) set(fs, keep, "lowerdir+", d.toString());
            set(fs, keep, "upperdir", upper.toString());
            set(fs, keep, "workdir", work.toString());
            Native.check(Native.syscall(Sc.FSCONFIG, fs, Sc.FSCONFIG_CMD_CREATE, 0, 0, 0, 0), "fsconfig create");
            int mnt = (int) Native.check(Native.syscall(Sc.FSMOUNT, fs, Sc.FSMOUNT_CLOEXEC, 0, 0, 0, 0),
                    "fsmount overlay");
            try {
                Native.check(Native.syscall(Sc.MOVE_MOUNT, mnt, empty.address(), -100 /* AT_FDCWD */, to.address(),
                        Sc.MOVE_MOUNT_F_EMPTY_PATH, 0), "move_mount overlay");
            } finally {
                Native.closeQuietly(mnt);
            }
        } finally {
            Native.closeQuietly(fs);
            Reference.reachabilityFence(keep);
        }
    }

    private static void set(int fs, List<Pointer> keep, String key, String value) {
        Native.check(Native.syscall(Sc.FSCONFIG, fs, Sc.FSCONFIG_SET_STRING, keep(keep, key).address(),
                keep(keep, value).address(), 0, 0), "fsconfig " + key);
    }

    private static Pointer keep(List<Pointer> keep, String s) {
        Pointer p = Native.cstring(s);
        keep.add(p);
        return p;
    }
}
