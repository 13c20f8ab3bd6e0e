package io.jcri.image;

import io.jcri.image.manifest.Platform;
import io.jcri.image.metadata.ImageRecord;
import io.jcri.image.reference.Digest;
import io.jcri.image.registry.ContentMismatchException;
import io.jcri.image.registry.Credentials;
import io.jcri.image.registry.RegistryClientSettings;
import io.jcri.image.registry.RegistryHostConfig;
import io.jcri.image.testkit.ManifestFormat;
import io.jcri.image.testkit.PushedImage;
import io.jcri.image.testkit.TarWriter;
import io.jcri.image.testkit.TestImage;
import io.jcri.image.testkit.TestImageBuilder;
import io.jcri.image.testkit.TestLayer;
import io.jcri.image.testkit.TestLayers;
import io.jcri.image.testkit.TestRegistry;
import io.jcri.image.unpack.Native;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The image service against Debian's docker-registry on loopback. */
class ImageServiceRegistryTest {
    static final RegistryClientSettings FAST_RETRIES = new RegistryClientSettings(Duration.ofSeconds(5),
            Duration.ofSeconds(30), Duration.ofSeconds(30), 3, Duration.ofMillis(10));

    static TestRegistry registry;
    static PushedImage busyboxOci;
    static PushedImage busyboxDocker;
    static PushedImage scenario;

    @TempDir
    Path root;

    @BeforeAll
    static void pushImages() throws IOException {
        registry = TestRegistry.start();
        busyboxOci = TestImageBuilder.image().layer(TestLayers.busybox()).entrypoint("/bin/sh").cmd("-c", "true")
                .env("A=1").workingDir("/tmp").user("1000:1000").stopSignal("SIGQUIT").label("org.example", "yes")
                .exposedPort("80/tcp").volume("/data")
                .push(registry, "library/busybox", "latest", ManifestFormat.OCI);
        busyboxDocker = TestImageBuilder.image().layer(TestLayers.busybox()).entrypoint("/bin/echo")
                .push(registry, "docker/busybox", "1", ManifestFormat.DOCKER);
        scenario = TestLayers.scenarioImage().push(registry, "scenario", "v1", ManifestFormat.OCI);
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    ImageServiceConfig config() {
        return ImageServiceConfig.defaults(root).withRegistries(Map.of(registry.host(),
                new RegistryHostConfig(List.of(), true, false, false)));
    }

    ImageService service() {
        return service(config());
    }

    static ImageService service(ImageServiceConfig cfg) {
        return new ImageService(cfg, FAST_RETRIES.withStallTimeout(cfg.stallTimeout()));
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** An image whose only layer nobody else has. */
    static TestImageBuilder uniqueImage(long seed, int bytes) {
        return TestImageBuilder.image().layer(TestLayer.gzip(TarWriter.bytes(
                t -> t.file("data-" + seed, randomBytes(bytes, seed), 0644, 0, 0))));
    }

    Set<String> storeFiles() throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> !p.startsWith(root.resolve("images")))
                    .map(p -> root.relativize(p).toString()).collect(Collectors.toSet());
        }
    }

    @Test
    void pullsByTagAsOciAndDockerSchema2() throws Exception {
        try (ImageService svc = service()) {
            ImageRecord oci = svc.pull(busyboxOci.reference(), Credentials.NONE);
            assertThat(oci.id()).isEqualTo(busyboxOci.imageId().toString());
            assertThat(oci.repoTags()).containsExactly(registry.host() + "/library/busybox:latest");
            assertThat(oci.repoDigests()).containsExactly(registry.host() + "/library/busybox@" + busyboxOci.digest());
            assertThat(oci.config().entrypoint()).containsExactly("/bin/sh");
            assertThat(oci.config().cmd()).containsExactly("-c", "true");
            assertThat(oci.config().env()).contains("A=1");
            assertThat(oci.config().workingDir()).isEqualTo("/tmp");
            assertThat(oci.config().stopSignal()).isEqualTo("SIGQUIT");
            assertThat(oci.config().labels()).containsEntry("org.example", "yes");
            assertThat(oci.config().exposedPorts()).containsExactly("80/tcp");
            assertThat(oci.config().volumes()).containsExactly("/data");
            assertThat(oci.uid()).contains(1000L);
            long blobBytes = busyboxOci.layers().get(0).get(0).size();
            assertThat(oci.size()).isGreaterThan(blobBytes);
            assertThat(Digest.sha256(svc.configJson(oci)).toString()).isEqualTo(oci.id());

            Path layer = svc.lowerDirs(oci).get(0);
            assertThat(Files.mismatch(layer.resolve("bin/busybox"), TestLayers.BUSYBOX)).isEqualTo(-1);
            assertThat(Files.readSymbolicLink(layer.resolve("bin/sh")).toString()).isEqualTo("busybox");
            assertThat(Files.getPosixFilePermissions(layer.resolve("bin/busybox")))
                    .hasSize(7); // rwxr-xr-x

            ImageRecord docker = svc.pull(busyboxDocker.reference(), null);
            assertThat(docker.id()).isEqualTo(busyboxDocker.imageId().toString());
            assertThat(docker.manifestMediaType()).isEqualTo(ManifestFormat.DOCKER.manifestType);
            assertThat(svc.lowerDirs(docker)).isEqualTo(svc.lowerDirs(oci)); // same layer, unpacked once

            assertThat(svc.list()).extracting(ImageRecord::id).containsExactlyInAnyOrder(oci.id(), docker.id());
            assertThat(svc.status(busyboxOci.reference())).map(ImageRecord::id).contains(oci.id());
            assertThat(svc.status(oci.id())).isPresent();
            assertThat(svc.status(oci.id().substring(7))).isPresent();
            assertThat(svc.status(oci.id().substring(7, 19))).isPresent();
            assertThat(svc.status(busyboxOci.digestReference())).map(ImageRecord::id).contains(oci.id());
            assertThat(svc.list(busyboxDocker.reference())).extracting(ImageRecord::id).containsExactly(docker.id());
            assertThat(svc.status(registry.host() + "/library/busybox:other")).isEmpty();
            assertThat(svc.status("Not A Reference")).isEmpty();
            assertThat(svc.status("sha256:" + "0".repeat(64))).isEmpty();
            // each blob was fetched once even though the layer is shared
            assertThat(registry.blobGets(busyboxOci.layers().get(0).get(0).digest().toString()))
                    .isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void pullsByDigestThenByTagIntoOneImage() throws Exception {
        try (ImageService svc = service()) {
            ImageRecord byDigest = svc.pull(busyboxOci.digestReference(), Credentials.NONE);
            assertThat(byDigest.repoTags()).isEmpty();
            assertThat(byDigest.repoDigests()).containsExactly(busyboxOci.digestReference());
            ImageRecord byTag = svc.pull(busyboxOci.reference(), Credentials.NONE);
            assertThat(byTag.id()).isEqualTo(byDigest.id());
            assertThat(byTag.repoTags()).containsExactly(busyboxOci.reference());
            assertThat(svc.list()).hasSize(1);
        }
    }

    @Test
    void rejectsMalformedReferenceAndReportsMissingImage() {
        try (ImageService svc = service()) {
            assertThatThrownBy(() -> svc.pull("Upper", Credentials.NONE))
                    .isInstanceOf(io.jcri.image.reference.InvalidReferenceException.class);
            assertThatThrownBy(() -> svc.pull(registry.host() + "/nope:1", Credentials.NONE))
                    .isInstanceOf(ImagePullException.class).hasMessageContaining("MANIFEST_UNKNOWN");
        }
    }

    @Test
    void unpacksZstdAndUncompressedLayersIntoWorkingOverlayLowerdirs() throws Exception {
        try (ImageService svc = service()) {
            ImageRecord img = svc.pull(scenario.reference(), Credentials.NONE);
            List<Path> lower = svc.lowerDirs(img);
            assertThat(lower).hasSize(3);
            assertThat(lower.get(2).resolve("bin/busybox")).exists();
            assertThat(lower.get(1).resolve("a/gone")).hasContent("gone");
            assertThat((int) Files.getAttribute(lower.get(0).resolve("a/gone"), "unix:mode",
                    java.nio.file.LinkOption.NOFOLLOW_LINKS) & 0170000).isEqualTo(Native.S_IFCHR);

            Path mnt = Files.createDirectory(root.resolve("mnt"));
            String lowerdir = lower.stream().map(Path::toString).collect(Collectors.joining(":"));
            run("mount", "-t", "overlay", "overlay", "-o", "ro,lowerdir=" + lowerdir, mnt.toString());
            try {
                assertThat(mnt.resolve("a/keep")).hasContent("keep");
                assertThat(mnt.resolve("a/gone")).doesNotExist();
                assertThat(mnt.resolve("opq/old")).doesNotExist();
                assertThat(mnt.resolve("opq/new")).hasContent("new");
                assertThat(mnt.resolve("hl/target")).hasContent("target");
                assertThat(mnt.resolve("f/link")).hasContent("shared inode");
                assertThat(mnt.resolve("bin/busybox")).exists();
            } finally {
                run("umount", mnt.toString());
            }
        }
    }

    static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    @Test
    void selectsPlatformFromIndexAndManifestList() throws Exception {
        TestImage amd = TestImageBuilder.image().layer(TestLayers.busybox()).label("arch", "amd64").build();
        TestImage arm = TestImageBuilder.image().layer(TestLayer.gzip(TarWriter.bytes(t -> t.file("arch", "arm64"))))
                .platform("linux", "arm64", "v8").build();
        TestImage armv7 = TestImageBuilder.image().layer(TestLayer.gzip(TarWriter.bytes(t -> t.file("arch", "armv7"))))
                .platform("linux", "arm", "v7").build();
        for (ManifestFormat format : ManifestFormat.values()) {
            PushedImage multi = TestImageBuilder.pushIndex(registry, "multi", format.name().toLowerCase(), format,
                    List.of(armv7, amd, arm));
            try (ImageService svc = service(config().withPlatform(Platform.parse("linux/amd64")))) {
                ImageRecord r = svc.pull(multi.reference(), Credentials.NONE);
                assertThat(r.id()).isEqualTo(amd.configDigest().toString());
                assertThat(r.manifestDigest()).isEqualTo(multi.manifests().get(1));
                assertThat(r.repoDigests()).containsExactly(multi.digestReference());
            }
            try (ImageService svc = service(config().withPlatform(Platform.parse("linux/arm64")))) {
                ImageRecord r = svc.pull(multi.reference(), Credentials.NONE);
                assertThat(r.id()).isEqualTo(arm.configDigest().toString());
                assertThat(svc.lowerDirs(r).get(0).resolve("arch")).hasContent("arm64");
            }
            try (ImageService svc = service(config().withPlatform(Platform.parse("linux/s390x")))) {
                assertThatThrownBy(() -> svc.pull(multi.reference(), Credentials.NONE))
                        .isInstanceOf(ImagePullException.class)
                        .hasMessageContaining("no manifest for platform linux/s390x");
            }
            io.jcri.image.store.FileTrees.deleteRecursively(root);
            Files.createDirectories(root);
        }
    }

    @Test
    void pullsThroughMirrorUnderUpstreamName() throws Exception {
        String deadMirror = "http://127.0.0.1:" + freePort();
        PushedImage pause = TestImageBuilder.image().layer(TestLayers.busybox()).entrypoint("/bin/sleep", "inf")
                .push(registry, "pause", "3.10", ManifestFormat.DOCKER);
        ImageServiceConfig cfg = ImageServiceConfig.defaults(root).withRegistries(Map.of(
                "docker.io", new RegistryHostConfig(List.of(deadMirror, registry.url()), false, false, true),
                "registry.k8s.io", RegistryHostConfig.mirroredBy(registry.url()).withNoFallback()));
        try (ImageService svc = service(cfg)) {
            ImageRecord r = svc.pull("busybox", Credentials.NONE);
            assertThat(r.id()).isEqualTo(busyboxOci.imageId().toString());
            assertThat(r.repoTags()).containsExactly("docker.io/library/busybox:latest");
            assertThat(r.repoDigests()).containsExactly("docker.io/library/busybox@" + busyboxOci.digest());
            assertThat(svc.status("busybox:latest")).isPresent();
            assertThat(svc.status("docker.io/library/busybox")).isPresent();

            ImageRecord p = svc.pull("registry.k8s.io/pause:3.10", Credentials.NONE);
            assertThat(p.id()).isEqualTo(pause.imageId().toString());
            assertThat(p.repoTags()).containsExactly("registry.k8s.io/pause:3.10");

            // no fallback: a name the mirror lacks fails there and never goes to the real Docker Hub
            assertThatThrownBy(() -> svc.pull("docker.io/library/absent:1", Credentials.NONE))
                    .isInstanceOf(ImagePullException.class)
                    .hasMessageContaining("MANIFEST_UNKNOWN")
                    .hasMessageNotContaining("registry-1.docker.io");
        }
    }

    static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void corruptedBlobFailsThePullAndLeavesTheStoreUnchanged() throws Exception {
        PushedImage bad = uniqueImage(42, 300_000).layer(TestLayers.busybox())
                .push(registry, "corrupt", "v1", ManifestFormat.OCI);
        try (ImageService svc = service()) {
            svc.pull(busyboxOci.reference(), Credentials.NONE);
            Set<String> before = storeFiles();
            registry.corruptBlob(bad.layers().get(0).get(0).digest().toString());

            assertThatThrownBy(() -> svc.pull(bad.reference(), Credentials.NONE))
                    .isInstanceOf(ImagePullException.class)
                    .hasRootCauseInstanceOf(ContentMismatchException.class)
                    .hasMessageContaining(bad.layers().get(0).get(0).digest().toString());
            assertThat(storeFiles()).isEqualTo(before);
            assertThat(svc.list()).hasSize(1);
        }
    }

    @Test
    void concurrentPullsFetchEachBlobOnce() throws Exception {
        TestImageBuilder b = TestImageBuilder.image();
        for (int i = 0; i < 4; i++) {
            int seed = 100 + i;
            b.layer(TestLayer.gzip(TarWriter.bytes(t -> t.file("l" + seed, randomBytes(2_000_000, seed), 0644, 0, 0))));
        }
        PushedImage img = b.push(registry, "concurrent", "v1", ManifestFormat.DOCKER);
        int pulls = 4;
        ExecutorService pool = Executors.newFixedThreadPool(pulls);
        try (ImageService svc = service()) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<ImageRecord>> results = new ArrayList<>();
            for (int i = 0; i < pulls; i++) {
                results.add(pool.submit((Callable<ImageRecord>) () -> {
                    go.await();
                    return svc.pull(img.reference(), Credentials.NONE);
                }));
            }
            go.countDown();
            for (Future<ImageRecord> f : results) {
                assertThat(f.get().id()).isEqualTo(img.imageId().toString());
            }
            for (TestLayer l : img.layers().get(0)) {
                assertThat(registry.blobGets(l.digest().toString())).as("GETs of " + l.digest()).isEqualTo(1);
                assertThat(Files.size(root.resolve("blobs/sha256/" + l.digest().hex()))).isEqualTo(l.size());
            }
            assertThat(svc.list()).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void removeSemantics() throws Exception {
        TestImage bb = TestImageBuilder.image().layer(TestLayers.busybox()).cmd("sh").build();
        PushedImage latest = TestImageBuilder.push(registry, "rm/busybox", "latest", ManifestFormat.OCI, bb);
        PushedImage v2 = TestImageBuilder.push(registry, "rm/busybox", "v2", ManifestFormat.OCI, bb);
        Digest sharedLayer = bb.layers().get(0).diffId();
        try (ImageService svc = service()) {
            svc.pull(latest.reference(), Credentials.NONE);
            ImageRecord a = svc.pull(v2.reference(), Credentials.NONE);
            assertThat(a.repoTags()).containsExactlyInAnyOrder(latest.reference(), v2.reference());
            ImageRecord s = svc.pull(scenario.reference(), Credentials.NONE);
            assertThat(svc.list()).hasSize(2);

            svc.setImageUsage(id -> id.equals(a.id()));
            assertThatThrownBy(() -> svc.remove(latest.reference())).isInstanceOf(ImageInUseException.class);
            assertThat(svc.status(latest.reference())).isPresent();
            svc.setImageUsage(ImageUsage.NONE);

            assertThat(svc.remove(v2.reference())).isTrue();
            assertThat(svc.status(latest.reference())).isEmpty();
            assertThat(svc.status(v2.reference())).isEmpty();
            assertThat(svc.status(a.id())).isEmpty();
            svc.awaitCollections(); // content goes after the answer
            assertThat(root.resolve("blobs/sha256/" + a.configDigest().hex())).doesNotExist();
            assertThat(root.resolve("snapshots/sha256/" + sharedLayer.hex())).isDirectory(); // still used by s
            assertThat(svc.remove(v2.reference())).isFalse(); // idempotent

            assertThat(svc.remove(s.id().substring(7, 20))).isTrue();
            assertThat(svc.list()).isEmpty();
            svc.awaitCollections();
            try (Stream<Path> blobs = Files.list(root.resolve("blobs/sha256"));
                 Stream<Path> snaps = Files.list(root.resolve("snapshots/sha256"))) {
                assertThat(blobs).isEmpty();
                assertThat(snaps).isEmpty();
            }

            ImageRecord again = svc.pull(scenario.reference(), Credentials.NONE);
            assertThat(svc.remove(scenario.digestReference())).isTrue();
            assertThat(svc.status(again.id())).isEmpty();
        }
    }

    /**
     * RemoveImage answers before the collector deletes the content: a pull of the same image right after must get a
     * complete image whatever the collector is doing (it finds the content and leases it, or fetches again what was
     * already deleted), and once the image is removed for good and the collector is done nothing of it is left.
     */
    @Test
    void aPullRightAfterRemovalGetsACompleteImageAndNothingIsLeftOnceCollected() throws Exception {
        java.io.ByteArrayOutputStream files = new java.io.ByteArrayOutputStream();
        TestLayers.bigTar(files, 12_000_000, 2000, 5); // ~9 MB of small files, the rest random
        PushedImage img = uniqueImage(55, 500_000).layer(TestLayer.gzip(files.toByteArray()))
                .push(registry, "rm/again", "1", ManifestFormat.OCI);
        try (ImageService svc = service()) {
            ImageRecord first = svc.pull(img.reference(), Credentials.NONE);
            for (int round = 0; round < 5; round++) {
                assertThat(svc.remove(img.reference())).isTrue();
                assertThat(svc.status(img.reference())).isEmpty();
                assertThat(svc.status(first.id())).isEmpty();
                ImageRecord again = svc.pull(img.reference(), Credentials.NONE);
                assertThat(again.id()).isEqualTo(first.id());
                assertComplete(svc, again, img);
            }
            svc.awaitCollections(); // whatever the removals queued has run: it must have spared the image
            ImageRecord kept = svc.status(img.reference()).orElseThrow();
            assertComplete(svc, kept, img);

            assertThat(svc.remove(img.reference())).isTrue();
            svc.awaitCollections();
            for (String dir : List.of("blobs/sha256", "snapshots/sha256", "snapshots/.work", "ingest")) {
                try (Stream<Path> s = Files.list(root.resolve(dir))) {
                    assertThat(s.toList()).as(dir).isEmpty();
                }
            }
        }
    }

    /** Every blob of the image stored, every layer unpacked in full. */
    private void assertComplete(ImageService svc, ImageRecord r, PushedImage img) throws IOException {
        for (TestLayer l : img.layers().get(0)) {
            assertThat(root.resolve("blobs/sha256/" + l.digest().hex())).hasSize(l.size());
        }
        assertThat(root.resolve("blobs/sha256/" + img.imageId().hex())).isRegularFile();
        List<Path> dirs = svc.lowerDirs(r); // top first
        assertThat(dirs.get(1).resolve("data-55")).hasSize(500_000);
        long smallFiles = 0;
        for (int d = 0; d < 2; d++) {
            try (Stream<Path> s = Files.list(dirs.get(0).resolve("small/d" + d))) {
                smallFiles += s.count();
            }
        }
        assertThat(smallFiles).isEqualTo(2000);
        try (Stream<Path> s = Files.list(dirs.get(0).resolve("big"))) {
            assertThat(s.mapToLong(p -> p.toFile().length()).sum()).isPositive();
        }
    }

    @Test
    void imagesSurviveRestartAndPinnedImagesAreMarked() throws Exception {
        ImageRecord pulled;
        try (ImageService svc = service()) {
            pulled = svc.pull(busyboxOci.reference(), Credentials.NONE);
            svc.pull(busyboxDocker.reference(), Credentials.NONE);
        }
        // what a crash between commit and record would leave behind
        Path strayBlob = Files.writeString(root.resolve("blobs/sha256/" + "e".repeat(64)), "stray");
        Path straySnapshot = Files.createDirectories(root.resolve("snapshots/sha256/" + "f".repeat(64) + "/etc"))
                .getParent();
        Files.createDirectories(root.resolve("ingest")).resolve("half").toFile().createNewFile();
        ImageServiceConfig cfg = config().withPinnedImages(List.of(busyboxOci.reference()));
        try (ImageService svc = service(cfg)) {
            assertThat(strayBlob).doesNotExist();
            assertThat(straySnapshot).doesNotExist();
            assertThat(root.resolve("ingest/half")).doesNotExist();
            assertThat(svc.list()).hasSize(2);
            ImageRecord after = svc.status(busyboxOci.reference()).orElseThrow();
            assertThat(after.withPinned(false)).isEqualTo(pulled);
            assertThat(after.pinned()).isTrue();
            assertThat(svc.status(busyboxDocker.reference()).orElseThrow().pinned()).isFalse();
            assertThat(svc.lowerDirs(after).get(0).resolve("bin/busybox")).exists();
        }
    }

    @Test
    void movesATagToTheNewlyPulledImage() throws Exception {
        PushedImage first = uniqueImage(7, 1000).push(registry, "moving", "1", ManifestFormat.OCI);
        PushedImage second = uniqueImage(8, 1000).push(registry, "moving", "1", ManifestFormat.OCI);
        try (ImageService svc = service()) {
            svc.pull(first.digestReference(), Credentials.NONE);
            ImageRecord old = svc.status(first.digestReference()).orElseThrow();
            ImageRecord now = svc.pull(second.reference(), Credentials.NONE);
            assertThat(now.repoTags()).containsExactly(second.reference());
            assertThat(svc.status(second.reference())).map(ImageRecord::id).contains(now.id());
            assertThat(svc.status(old.id()).orElseThrow().repoTags()).isEmpty();
        }
    }

    @Test
    void reportsFilesystemUsage() throws Exception {
        try (ImageService svc = service()) {
            FsUsage empty = svc.fsUsage();
            svc.pull(busyboxOci.reference(), Credentials.NONE);
            FsUsage used = svc.fsUsage();
            long busybox = Files.size(TestLayers.BUSYBOX);
            // the unpacked binary plus the compressed blob
            assertThat(used.usedBytes() - empty.usedBytes()).isGreaterThan(busybox);
            assertThat(used.inodesUsed() - empty.inodesUsed()).isGreaterThanOrEqualTo(TestLayers.BUSYBOX_APPLETS.size());
            Process df = new ProcessBuilder("df", "--output=target", root.toString()).start();
            List<String> lines = new String(df.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            df.waitFor();
            assertThat(used.mountpoint()).isEqualTo(lines.get(lines.size() - 1).trim());
        }
    }

    @Test
    void generatedBigImageRoundTrips() throws Exception {
        // the benchmark's generator at a small size: many small files plus incompressible data
        PushedImage big = TestLayers.bigImage(6_000_000, 2, 1).push(registry, "big", "small", ManifestFormat.OCI);
        try (ImageService svc = service()) {
            ImageRecord r = svc.pull(big.reference(), Credentials.NONE);
            List<Path> dirs = svc.lowerDirs(r);
            assertThat(dirs).hasSize(3);
            long bytes;
            try (Stream<Path> s = Stream.concat(Files.walk(dirs.get(0)), Files.walk(dirs.get(1)))) {
                bytes = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
            }
            assertThat(bytes).isGreaterThanOrEqualTo(6_000_000);
            try (Stream<Path> s = Files.list(dirs.get(1).resolve("small/d0"))) {
                assertThat(s.count()).isEqualTo(1000);
            }
        }
    }

    @Test
    void concurrentPullsOfDifferentImagesShareTheirCommonLayer() throws Exception {
        TestLayer shared = TestLayer.gzip(TarWriter.bytes(t -> t.file("shared", randomBytes(3_000_000, 77), 0644, 0, 0)));
        PushedImage a = uniqueImage(78, 1000).layer(shared).push(registry, "share/a", "1", ManifestFormat.OCI);
        PushedImage b = uniqueImage(79, 1000).layer(shared).push(registry, "share/b", "1", ManifestFormat.DOCKER);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (ImageService svc = service()) {
            CountDownLatch go = new CountDownLatch(1);
            Future<ImageRecord> fa = pool.submit(() -> {
                go.await();
                return svc.pull(a.reference(), Credentials.NONE);
            });
            Future<ImageRecord> fb = pool.submit(() -> {
                go.await();
                return svc.pull(b.reference(), Credentials.NONE);
            });
            go.countDown();
            ImageRecord ra = fa.get();
            ImageRecord rb = fb.get();
            assertThat(registry.blobGets(shared.digest().toString())).isEqualTo(1);
            assertThat(svc.lowerDirs(ra).get(0)).isEqualTo(svc.lowerDirs(rb).get(0));
            assertThat(svc.lowerDirs(ra).get(0).resolve("shared")).hasSize(3_000_000);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void refusesALayerThatDoesNotUncompressToItsDiffId() throws Exception {
        TestLayer honest = TestLayer.gzip(TarWriter.bytes(t -> t.file("a", "a")));
        TestLayer lying = new TestLayer(honest.blob(), honest.compression(), honest.digest(),
                Digest.sha256("another tar".getBytes(StandardCharsets.UTF_8)));
        PushedImage img = TestImageBuilder.image().layer(lying).push(registry, "lying", "1", ManifestFormat.OCI);
        try (ImageService svc = service()) {
            assertThatThrownBy(() -> svc.pull(img.reference(), Credentials.NONE))
                    .isInstanceOf(ImagePullException.class)
                    .hasRootCauseInstanceOf(ContentMismatchException.class)
                    .hasMessageContaining("does not uncompress to the diff id " + lying.diffId());
            assertThat(svc.list()).isEmpty();
            try (Stream<Path> snaps = Files.list(root.resolve("snapshots/sha256"));
                 Stream<Path> blobs = Files.list(root.resolve("blobs/sha256"))) {
                assertThat(snaps).isEmpty();
                assertThat(blobs).isEmpty();
            }
        }
    }
}
