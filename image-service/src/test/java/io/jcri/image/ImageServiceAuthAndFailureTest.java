package io.jcri.image;

import io.jcri.image.metadata.ImageRecord;
import io.jcri.image.registry.Credentials;
import io.jcri.image.registry.PullStalledException;
import io.jcri.image.registry.RegistryHostConfig;
import io.jcri.image.testkit.FakeRegistry;
import io.jcri.image.testkit.ManifestFormat;
import io.jcri.image.testkit.PushedImage;
import io.jcri.image.testkit.TarWriter;
import io.jcri.image.testkit.TestImage;
import io.jcri.image.testkit.TestImageBuilder;
import io.jcri.image.testkit.TestLayer;
import io.jcri.image.testkit.TestLayers;
import io.jcri.image.testkit.TestRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Registries that demand credentials, serve schema1, or go silent. */
class ImageServiceAuthAndFailureTest {
    @TempDir
    Path root;

    ImageServiceConfig plainHttp(String host) {
        return ImageServiceConfig.defaults(root).withRegistries(Map.of(host,
                new RegistryHostConfig(List.of(), true, false, false)));
    }

    @Test
    void basicAuthRegistryWithAndWithoutCredentials() throws Exception {
        try (TestRegistry registry = TestRegistry.start("alice", "s3cret")) {
            PushedImage img = TestImageBuilder.image().layer(TestLayers.busybox())
                    .push(registry, "private/busybox", "1", ManifestFormat.DOCKER);
            try (ImageService svc = ImageServiceRegistryTest.service(plainHttp(registry.host()))) {
                assertThatThrownBy(() -> svc.pull(img.reference(), Credentials.NONE))
                        .isInstanceOf(ImagePullException.class).hasMessageContaining("requires credentials");
                assertThatThrownBy(() -> svc.pull(img.reference(), Credentials.basic("alice", "wrong")))
                        .isInstanceOf(ImagePullException.class).hasMessageContaining("unauthorized");
                assertThat(svc.list()).isEmpty();

                String auth = Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
                ImageRecord r = svc.pull(img.reference(), Credentials.fromAuthConfig("", "", auth, "", ""));
                assertThat(r.id()).isEqualTo(img.imageId().toString());
            }
            Path dockerConfig = Files.writeString(root.resolve("config.json"),
                    "{\"auths\":{\"" + registry.host() + "\":{\"username\":\"alice\",\"password\":\"s3cret\"}}}");
            try (ImageService svc = ImageServiceRegistryTest.service(plainHttp(registry.host())
                    .withDockerConfig(dockerConfig))) {
                assertThat(svc.pull(img.reference(), Credentials.NONE).id()).isEqualTo(img.imageId().toString());
            }
        }
    }

    @Test
    void refusesSchema1WithAClearMessage() throws Exception {
        try (FakeRegistry fake = new FakeRegistry()) {
            fake.on("/v2/old/manifests/latest", e -> FakeRegistry.respond(e, 200,
                    "application/vnd.docker.distribution.manifest.v1+prettyjws",
                    "{\"schemaVersion\":1,\"name\":\"old\",\"tag\":\"latest\",\"architecture\":\"amd64\","
                            + "\"fsLayers\":[],\"history\":[],\"signatures\":[]}"));
            try (ImageService svc = ImageServiceRegistryTest.service(plainHttp(fake.host()))) {
                assertThatThrownBy(() -> svc.pull(fake.host() + "/old", Credentials.NONE))
                        .isInstanceOf(ImagePullException.class)
                        .hasMessageContaining("schema 1 is not supported");
            }
        }
    }

    @Test
    void cancelsAStalledPullAndKeepsNothing() throws Exception {
        TestImage image = TestImageBuilder.image().layer(TestLayer.gzip(TarWriter.bytes(t -> t.file("r",
                ImageServiceRegistryTest.randomBytes(100_000, 5), 0644, 0, 0)))).build();
        TestLayer layer = image.layers().get(0);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + ManifestFormat.OCI.manifestType + "\","
                + "\"config\":{\"mediaType\":\"" + ManifestFormat.OCI.configType + "\",\"digest\":\""
                + image.configDigest() + "\",\"size\":" + image.config().length + "},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\""
                + layer.digest() + "\",\"size\":" + layer.size() + "}]}").getBytes(StandardCharsets.UTF_8);
        CountDownLatch release = new CountDownLatch(1);
        try (FakeRegistry fake = new FakeRegistry()) {
            fake.on("/v2/slow/manifests/1", e -> FakeRegistry.respond(e, 200, ManifestFormat.OCI.manifestType,
                    manifest));
            fake.on("/v2/slow/blobs/" + image.configDigest(), e -> FakeRegistry.respond(e, 200,
                    "application/octet-stream", image.config()));
            fake.on("/v2/slow/blobs/" + layer.digest(), e -> {
                e.sendResponseHeaders(200, layer.size());
                OutputStream out = e.getResponseBody();
                out.write(layer.blob(), 0, 1000);
                out.flush();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            });
            ImageServiceConfig cfg = plainHttp(fake.host()).withStallTimeout(Duration.ofMillis(500));
            try (ImageService svc = ImageServiceRegistryTest.service(cfg)) {
                assertThatThrownBy(() -> svc.pull(fake.host() + "/slow:1", Credentials.NONE))
                        .isInstanceOf(ImagePullException.class)
                        .hasRootCauseInstanceOf(PullStalledException.class)
                        .hasMessageContaining("pull stalled: no data received for 500 ms");
                assertThat(svc.list()).isEmpty();
                for (String dir : List.of("blobs/sha256", "snapshots/sha256", "ingest", "snapshots/.work")) {
                    try (Stream<Path> s = Files.list(root.resolve(dir))) {
                        assertThat(s).as(dir).isEmpty();
                    }
                }
            } finally {
                release.countDown();
            }
        }
    }
}
