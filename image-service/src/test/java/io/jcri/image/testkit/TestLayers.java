package io.jcri.image.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Ready-made layer tars: busybox, the whiteout/link scenario, and big generated content. */
public final class TestLayers {
    public static final Path BUSYBOX = Path.of("/bin/busybox");
    public static final List<String> BUSYBOX_APPLETS =
            List.of("sh", "ls", "cat", "echo", "true", "false", "sleep", "id", "env", "ps", "mkdir", "rm", "touch");

    private TestLayers() {
    }

    /** Debian's static busybox at /bin/busybox with symlinks for common applets, plus /etc/passwd. */
    public static byte[] busyboxTar() {
        return busyboxTar(t -> { });
    }

    /** {@link #busyboxTar()} plus what {@code extra} adds (a layer with busybox whose digest is its own). */
    public static byte[] busyboxTar(TarWriter.TarContent extra) {
        byte[] busybox;
        try {
            busybox = Files.readAllBytes(BUSYBOX);
        } catch (IOException e) {
            throw new UncheckedIOException(BUSYBOX + " missing: apt-get install busybox-static", e);
        }
        return TarWriter.bytes(t -> {
            t.dir("bin").dir("etc").dir("tmp", 01777, 0, 0);
            t.file("bin/busybox", busybox, 0755, 0, 0);
            for (String applet : BUSYBOX_APPLETS) {
                t.symlink("bin/" + applet, "busybox");
            }
            t.file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
            t.file("etc/group", "root:x:0:\nnogroup:x:65534:\n");
            extra.write(t);
        });
    }

    public static TestLayer busybox() {
        return TestLayer.gzip(busyboxTar());
    }

    /**
     * Lower layer of the overlay scenario: {@code a/keep}, {@code a/gone}, {@code opq/old}, {@code hl/target}.
     */
    public static byte[] scenarioLower() {
        return TarWriter.bytes(t -> t
                .dir("a").file("a/keep", "keep").file("a/gone", "gone")
                .dir("opq").file("opq/old", "old")
                .dir("hl").file("hl/target", "target"));
    }

    /**
     * Upper layer: deletes {@code a/gone}, makes {@code opq} opaque with {@code opq/new}, adds a hardlink, a
     * symlink pointing out of the rootfs (harmless: never followed at unpack), a fifo, a device, a setuid file
     * with owner, an xattr (PAX SCHILY.xattr) and a fixed mtime.
     */
    public static byte[] scenarioUpper() {
        return TarWriter.bytes(t -> {
            t.mtime(1_600_000_000L);
            t.whiteout("a", "gone");
            t.dir("opq").opaque("opq").file("opq/new", "new");
            t.dir("f").file("f/original", "shared inode".getBytes(StandardCharsets.UTF_8), 0640, 1000, 1001);
            t.hardlink("f/link", "f/original");
            t.symlink("f/passwd", "/etc/passwd");
            t.fifo("f/fifo");
            t.charDevice("f/null", 1, 3);
            t.file("f/suid", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8), 04755, 0, 0);
            t.file("f/xattr", "x".getBytes(StandardCharsets.UTF_8), 0644, 0, 0,
                    Map.of("user.jcri", "value".getBytes(StandardCharsets.UTF_8),
                            "trusted.bin", new byte[]{0, (byte) 0xff, 1}));
        });
    }

    /** busybox, then the scenario's lower (zstd) and upper (uncompressed) layers: a multi-layer overlay image. */
    public static TestImageBuilder scenarioImage() {
        return TestImageBuilder.image()
                .layer(busybox())
                .layer(TestLayer.of(scenarioLower(), LayerCompression.ZSTD))
                .layer(TestLayer.of(scenarioUpper(), LayerCompression.NONE));
    }

    /**
     * Writes a big layer tar of {@code bytes} total: {@code smallFiles} files of 1-8 KiB of text-like data, the
     * rest as incompressible random files of up to 32 MiB.
     */
    public static void bigTar(OutputStream out, long bytes, int smallFiles, long seed) throws IOException {
        bigTar(out, bytes, smallFiles, seed, "small", "big");
    }

    /** {@link #bigTar(OutputStream, long, int, long)} with the small files under {@code smallDir}, the rest under {@code bigDir}. */
    public static void bigTar(OutputStream out, long bytes, int smallFiles, long seed, String smallDir, String bigDir)
            throws IOException {
        Random random = new Random(seed);
        TarWriter t = new TarWriter(out);
        long written = 0;
        t.dir(smallDir);
        byte[] words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor\n"
                .getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < smallFiles; i++) {
            if (i % 1000 == 0) {
                t.dir(smallDir + "/d" + i / 1000);
            }
            int size = 1024 + random.nextInt(7 * 1024);
            byte[] b = new byte[size];
            for (int j = 0; j < size; j++) {
                b[j] = words[(j + random.nextInt(4)) % words.length];
            }
            t.file(smallDir + "/d" + i / 1000 + "/f" + i, b, 0644, 0, 0);
            written += size;
        }
        t.dir(bigDir);
        byte[] chunk = new byte[1 << 20];
        int n = 0;
        while (written < bytes) {
            long size = Math.min(32L << 20, bytes - written);
            try (OutputStream f = t.fileStream(bigDir + "/blob" + n++, size, 0644)) {
                long left = size;
                while (left > 0) {
                    random.nextBytes(chunk);
                    int c = (int) Math.min(chunk.length, left);
                    f.write(chunk, 0, c);
                    left -= c;
                }
            }
            written += size;
        }
        t.finish();
    }

    /**
     * The pull benchmark's image (scenario 13): four layers of about {@code totalBytes} together: busybox, then
     * {@code smallFiles} small files of 1-8 KiB (the unpacker's per-file cost), then two layers of pseudo-random
     * (incompressible) files that make up the rest, all from {@code seed}, so every run pushes the same digests.
     */
    /** Names only {@link #pullImage}'s layers have: the small files' dir, the random files' dir, busybox's extra file. */
    public static final List<String> PULL_IMAGE_NAMES = List.of("pull-small", "pull-random", "jcri-bench-seed");

    public static TestImageBuilder pullImage(long totalBytes, int smallFiles, long seed) throws IOException {
        // busybox with a file of its own: the busybox image the harness pre-pulls must not hold this layer already
        TestLayer base = TestLayer.gzip(busyboxTar(t -> t.file("etc/" + PULL_IMAGE_NAMES.get(2), "seed " + seed + "\n")));
        java.io.ByteArrayOutputStream small = new java.io.ByteArrayOutputStream();
        bigTar(small, 0, smallFiles, seed, PULL_IMAGE_NAMES.get(0), PULL_IMAGE_NAMES.get(1));
        TestLayer files = TestLayer.gzip(small.toByteArray());
        TestImageBuilder b = TestImageBuilder.image().cmd("sh").layer(base).layer(files);
        long rest = Math.max(2, totalBytes - base.size() - files.size()); // random bytes: gzip keeps their size
        for (int i = 0; i < 2; i++) {
            java.io.ByteArrayOutputStream random = new java.io.ByteArrayOutputStream();
            bigTar(random, rest / 2, 0, seed + 1 + i, PULL_IMAGE_NAMES.get(0), PULL_IMAGE_NAMES.get(1));
            b.layer(TestLayer.gzip(random.toByteArray()));
        }
        return b;
    }

    /** A generated image of about {@code totalBytes} unpacked in {@code layerCount} layers (for the benchmark). */
    public static TestImageBuilder bigImage(long totalBytes, int layerCount, long seed) throws IOException {
        TestImageBuilder b = TestImageBuilder.image().layer(busybox());
        for (int i = 0; i < layerCount; i++) {
            java.io.ByteArrayOutputStream bos = new java.io.ByteArrayOutputStream();
            bigTar(bos, totalBytes / layerCount, i % 2 == 0 ? 5000 : 0, seed + i);
            b.layer(TestLayer.gzip(bos.toByteArray()));
        }
        return b;
    }
}
