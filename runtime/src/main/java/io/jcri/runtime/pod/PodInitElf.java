package io.jcri.runtime.pod;

import io.jcri.runtime.state.Trash;
import io.jcri.runtime.sys.StaticElf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/**
 * {@code jcri-pod-init}, the 194-byte PID 1 of a shared-PID pod (74 bytes of code): blocks SIGCHLD, then forever
 * reaps every exited child ({@code wait4(-1, NULL, WNOHANG|__WALL)}) and sleeps in {@code rt_sigtimedwait}
 * until the next SIGCHLD. Source and comments: {@code runtime/src/main/asm/podinit.S} (PodInitElfTest checks that
 * these bytes are that file assembled).
 *
 * <p>Only pods whose containers share a PID namespace get one (see {@link PodInits}): a PID namespace cannot
 * take new processes once its PID 1 is gone, so without it the pod's first container would be PID 1 and its exit
 * would end the pod. Written out by Java like the /proc helper ({@link io.jcri.runtime.sys.InitElf}): no image,
 * no C toolchain.
 */
public final class PodInitElf {
    /** The file name, and so the comm the pod's containers see for PID 1. */
    public static final String NAME = "jcri-pod-init";

    static final String CODE_HEX =
            "6800000100b80e00000031ff4889e631d241ba080000000f05b83d000000bfffffffff31f6ba010000404531d20f05"
            + "4885c07fe5b8800000004889e731f631d241ba080000000f05ebcf";

    private PodInitElf() {}

    public static byte[] image() {
        return StaticElf.image(StaticElf.hex(CODE_HEX), 0);
    }

    /**
     * Makes {@code layer} a directory that holds nothing but the executable (mode 0555), the whole root
     * filesystem of every pod init; rewritten only if its content differs.
     */
    public static Path writeLayer(Path layer) throws IOException {
        Files.createDirectories(layer);
        Files.setPosixFilePermissions(layer, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path target = layer.resolve(NAME);
        byte[] image = image();
        try (var s = Files.list(layer)) {
            for (Path p : s.toList()) if (!p.equals(target)) Trash.deleteTree(p);
        }
        if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), image)) return layer;
        StaticElf.install(target, image, "r-xr-xr-x");
        return layer;
    }
}
