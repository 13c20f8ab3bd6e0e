package io.jcri.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** A one-layer rootfs from Debian's statically linked busybox (package busybox-static), built once per JVM. */
final class BusyboxRootfs {
    static final String MARKER = "jcri-test-rootfs";
    private static Path layer;

    private BusyboxRootfs() {}

    static synchronized Path layer() {
        if (layer != null) return layer;
        try {
            Path busybox = Path.of("/bin/busybox");
            if (!Files.isExecutable(busybox)) throw new IllegalStateException("install busybox-static");
            Path dir = Files.createTempDirectory("jcri-busybox-layer");
            for (String d : new String[] {"bin", "etc", "tmp", "root", "proc", "sys", "dev", "home/user"})
                Files.createDirectories(dir.resolve(d));
            Files.setPosixFilePermissions(dir.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
            Files.copy(busybox, dir.resolve("bin/busybox"), StandardCopyOption.COPY_ATTRIBUTES);
            Process p = new ProcessBuilder(busybox.toString(), "--list").redirectErrorStream(true).start();
            String list = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            for (String applet : list.split("\n")) {
                applet = applet.trim();
                if (applet.isEmpty() || applet.equals("busybox")) continue;
                Path link = dir.resolve("bin").resolve(applet);
                if (!Files.exists(link)) Files.createSymbolicLink(link, Path.of("busybox"));
            }
            Files.writeString(dir.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n"
                    + "user:x:1000:1000:user:/home/user:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n");
            Files.writeString(dir.resolve("etc/group"), "root:x:0:\nuser:x:1000:\nnogroup:x:65534:\n");
            Files.writeString(dir.resolve("etc/marker"), MARKER);
            layer = dir;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> io.jcri.runtime.state.Trash.deleteTree(dir)));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
