package io.jcri.e2e.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.jcri.cri.v1.Image;
import io.jcri.cri.v1.ImageFilter;
import io.jcri.cri.v1.ImageFsInfoRequest;
import io.jcri.cri.v1.ImageServiceGrpc.ImageServiceBlockingStub;
import io.jcri.cri.v1.ImageSpec;
import io.jcri.cri.v1.ImageStatusRequest;
import io.jcri.cri.v1.ImageStatusResponse;
import io.jcri.cri.v1.ListImagesRequest;
import io.jcri.cri.v1.PullImageRequest;
import io.jcri.cri.v1.RemoveImageRequest;
import io.jcri.e2e.harness.JcriDaemon;
import io.jcri.image.testkit.ManifestFormat;
import io.jcri.image.testkit.PushedImage;
import io.jcri.image.testkit.TestImageBuilder;
import io.jcri.image.testkit.TestLayers;
import io.jcri.image.testkit.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CRI ImageService of the real daemon against a real loopback registry. */
class ImageServiceE2eTest {
    @TempDir
    static Path base;
    static TestRegistry registry;
    static JcriDaemon daemon;
    static PushedImage busybox;
    static PushedImage ociBusybox;
    static PushedImage mirrored;

    @BeforeAll
    static void start() throws Exception {
        registry = TestRegistry.start();
        busybox = TestImageBuilder.image().layer(TestLayers.busybox()).cmd("sh")
                .push(registry, "e2e/busybox", "1.0", ManifestFormat.DOCKER);
        ociBusybox = TestImageBuilder.image().layer(TestLayers.busybox()).entrypoint("/bin/sh").env("A=1")
                .push(registry, "e2e/busybox-oci", "1.0", ManifestFormat.OCI);
        mirrored = TestImageBuilder.image().layer(TestLayers.busybox()).label("origin", "mirror")
                .push(registry, "library/mirrored", "latest", ManifestFormat.OCI);
        Path config = base.resolve("jcri.toml");
        Files.writeString(config, """
                [image]
                pinned_images = ["%1$s/e2e/busybox-oci:1.0"]

                [registries."%1$s"]
                plain_http = true

                [registries."docker.io"]
                mirrors = ["%2$s"]
                no_fallback = true
                """.formatted(registry.host(), registry.url()));
        daemon = JcriDaemon.start(base.resolve("d"), "--config", config.toString());
    }

    @AfterAll
    static void stop() {
        if (daemon != null) {
            daemon.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    static ImageServiceBlockingStub images() {
        return daemon.endpoint().images();
    }

    static String pull(String ref) {
        return images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(ref))
                .build()).getImageRef();
    }

    static ImageStatusResponse status(String ref) {
        return images().imageStatus(ImageStatusRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(ref))
                .build());
    }

    @Test
    void pullByTagReturnsTheConfigDigestThatStatusAndListReport() throws Exception {
        String ref = registry.host() + "/e2e/busybox:1.0";
        String id = pull(ref);
        assertThat(id).isEqualTo(busybox.imageId().toString());
        Image image = status(ref).getImage();
        assertThat(image.getId()).isEqualTo(id);
        assertThat(image.getRepoTagsList()).contains(ref);
        assertThat(image.getRepoDigestsList()).contains(registry.host() + "/e2e/busybox@" + busybox.digest());
        assertThat(image.getSize()).isPositive();
        assertThat(image.getSpec().getImage()).isEqualTo(id);
        assertThat(images().listImages(ListImagesRequest.getDefaultInstance()).getImagesList())
                .extracting(Image::getId).contains(id);
        assertThat(images().listImages(ListImagesRequest.newBuilder().setFilter(ImageFilter.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage(ref))).build()).getImagesList())
                .extracting(Image::getId).containsExactly(id);
        assertThat(status(id).getImage().getId()).isEqualTo(id);

        var metrics = io.jcri.e2e.harness.PrometheusScrape.fetch(daemon.metricsPort());
        assertThat(metrics.text()).containsPattern("jcri_image_pulls_total\\{outcome=\"success\",?\\} [1-9]");
        assertThat(metrics.value("jcri_image_pulled_bytes_total")).isGreaterThan(1_000_000.0);
    }

    @Test
    void pullByDigestOfAnOciImage() {
        String ref = registry.host() + "/e2e/busybox-oci@" + ociBusybox.digest();
        String id = pull(ref);
        assertThat(id).isEqualTo(ociBusybox.imageId().toString());
        assertThat(status(ref).getImage().getRepoDigestsList()).contains(ref);
    }

    @Test
    void pullThroughAMirrorUnderTheUpstreamName() {
        String id = pull("mirrored");
        assertThat(id).isEqualTo(mirrored.imageId().toString());
        assertThat(status("docker.io/library/mirrored:latest").getImage().getRepoTagsList())
                .contains("docker.io/library/mirrored:latest");
    }

    @Test
    void pinnedImagesArePinned() {
        pull(registry.host() + "/e2e/busybox-oci:1.0");
        assertThat(status(registry.host() + "/e2e/busybox-oci:1.0").getImage().getPinned()).isTrue();
    }

    @Test
    void anAbsentImageIsAnEmptyStatusNotAnError() {
        ImageStatusResponse r = status(registry.host() + "/e2e/never-pushed:1.0");
        assertThat(r.hasImage()).isFalse();
    }

    @Test
    void badReferencesAndMissingImagesGetClearStatuses() {
        StatusRuntimeException bad = catchThrowableOfType(StatusRuntimeException.class,
                () -> pull("UPPER/Case::bad"));
        assertThat(bad.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        StatusRuntimeException missing = catchThrowableOfType(StatusRuntimeException.class,
                () -> pull(registry.host() + "/e2e/never-pushed:1.0"));
        assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(missing.getStatus().getDescription()).contains("never-pushed");
        StatusRuntimeException unreachable = catchThrowableOfType(StatusRuntimeException.class,
                () -> pull("127.0.0.1:1/e2e/nowhere:1.0"));
        assertThat(unreachable.getStatus().getCode()).as(unreachable.getStatus().getDescription())
                .isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    void removingByOneTagRemovesTheImageWithAllItsTagsAndIsIdempotent() throws Exception {
        PushedImage twoTags = TestImageBuilder.image().layer(TestLayers.busybox()).label("twice", "yes")
                .push(registry, "e2e/twotags", "a", ManifestFormat.DOCKER);
        TestImageBuilder.image().layer(TestLayers.busybox()).label("twice", "yes")
                .push(registry, "e2e/twotags", "b", ManifestFormat.DOCKER);
        String a = registry.host() + "/e2e/twotags:a";
        String b = registry.host() + "/e2e/twotags:b";
        assertThat(pull(a)).isEqualTo(pull(b)).isEqualTo(twoTags.imageId().toString());
        assertThat(status(b).getImage().getRepoTagsList()).contains(a, b);

        images().removeImage(RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(a)).build());
        assertThat(status(a).hasImage()).isFalse();
        assertThat(status(b).hasImage()).isFalse();
        assertThat(status(twoTags.imageId().toString()).hasImage()).isFalse();
        images().removeImage(RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(a)).build());
    }

    /**
     * RemoveImage answers once the image is gone from the CRI's view and deletes its content afterwards: a pull
     * right after each removal gets the whole image, and once it is removed for good its blobs and unpacked layers
     * leave the disk.
     */
    @Test
    void aPullRightAfterRemoveImageWorksAndTheContentGoesAfterwards() throws Exception {
        java.io.ByteArrayOutputStream tar = new java.io.ByteArrayOutputStream();
        TestLayers.bigTar(tar, 6_000_000, 1000, 15, "again-small", "again-random");
        PushedImage img = TestImageBuilder.image().layer(TestLayers.busybox()).cmd("sh")
                .layer(io.jcri.image.testkit.TestLayer.gzip(tar.toByteArray()))
                .push(registry, "e2e/again", "1", ManifestFormat.OCI);
        String ref = registry.host() + "/e2e/again:1";
        Path store = base.resolve("d").resolve("root").resolve("images");
        Path layerBlob = store.resolve("blobs/sha256/" + img.layers().get(0).get(1).digest().hex());
        Path unpacked = store.resolve("snapshots/sha256/" + img.layers().get(0).get(1).diffId().hex());
        assertThat(pull(ref)).isEqualTo(img.imageId().toString());
        for (int round = 0; round < 3; round++) {
            images().removeImage(RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(ref)).build());
            assertThat(status(ref).hasImage()).isFalse();
            assertThat(status(img.imageId().toString()).hasImage()).isFalse();
            assertThat(images().listImages(ListImagesRequest.getDefaultInstance()).getImagesList())
                    .extracting(Image::getId).doesNotContain(img.imageId().toString());
            assertThat(pull(ref)).isEqualTo(img.imageId().toString());
            assertThat(layerBlob).hasSize(img.layers().get(0).get(1).size());
            try (var s = Files.list(unpacked.resolve("again-small/d0"))) {
                assertThat(s.count()).isEqualTo(1000);
            }
        }
        images().removeImage(RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(ref)).build());
        io.jcri.e2e.harness.Deadline.await(java.time.Duration.ofSeconds(30), "the removed image's content gone from "
                + store, () -> !Files.exists(layerBlob) && !Files.exists(unpacked) && noRetiredLayers(store));
        assertThat(store.resolve("blobs/sha256/" + img.imageId().hex())).doesNotExist();
    }

    /** Whether no removed layer is waiting in the store's work dir to be deleted. */
    private static boolean noRetiredLayers(Path store) {
        try (var s = Files.list(store.resolve("snapshots/.work"))) {
            return s.noneMatch(p -> p.getFileName().toString().startsWith("retired-"));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void imageFsInfoReportsRealUsageOnARealMountpoint() throws Exception {
        pull(registry.host() + "/e2e/busybox:1.0");
        var fs = images().imageFsInfo(ImageFsInfoRequest.getDefaultInstance()).getImageFilesystems(0);
        assertThat(fs.getUsedBytes().getValue()).isGreaterThan(1_000_000L); // busybox is ~2 MB unpacked
        assertThat(fs.getInodesUsed().getValue()).isPositive();
        List<String> mountpoints = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .map(l -> l.split(" ")[4]).toList();
        assertThat(mountpoints).contains(fs.getFsId().getMountpoint());
    }

    @Test
    void imagesSurviveADaemonRestart() {
        String ref = registry.host() + "/e2e/busybox:1.0";
        String id = pull(ref);
        assertThat(daemon.terminate(java.time.Duration.ofSeconds(30))).isZero();
        daemon.close();
        daemon = JcriDaemon.start(base.resolve("d"), "--config", base.resolve("jcri.toml").toString());
        assertThat(status(ref).getImage().getId()).isEqualTo(id);
    }
}
