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

    /** Serves an OCI image from the fake registry; the layer handler is the test's to choose. */
    static byte[] serveImage(FakeRegistry fake, String repo, String tag, TestImage image) {
        StringBuilder layers = new StringBuilder();
        for (TestLayer l : image.layers()) {
            layers.append(layers.length() == 0 ? "" : ",").append("{\"mediaType\":\"")
                    .append("application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"").append(l.digest())
                    .append("\",\"size\":").append(l.size()).append('}');
        }
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + ManifestFormat.OCI.manifestType + "\","
                + "\"config\":{\"mediaType\":\"" + ManifestFormat.OCI.configType + "\",\"digest\":\""
                + image.configDigest() + "\",\"size\":" + image.config().length + "},"
                + "\"layers\":[" + layers + "]}").getBytes(StandardCharsets.UTF_8);
        fake.on("/v2/" + repo + "/manifests/" + tag, e -> FakeRegistry.respond(e, 200,
                ManifestFormat.OCI.manifestType, manifest));
        fake.on("/v2/" + repo + "/blobs/" + image.configDigest(), e -> FakeRegistry.respond(e, 200,
                "application/octet-stream", image.config()));
        return manifest;
    }

    @Test
    void retriesALayerWhoseConnectionBrokeMidway() throws Exception {
        TestImage image = TestImageBuilder.image().layer(TestLayer.gzip(TarWriter.bytes(t -> t.file("r",
                ImageServiceRegistryTest.randomBytes(200_000, 6), 0644, 0, 0)))).build();
        TestLayer layer = image.layers().get(0);
        java.util.concurrent.atomic.AtomicInteger gets = new java.util.concurrent.atomic.AtomicInteger();
        try (FakeRegistry fake = new FakeRegistry()) {
            serveImage(fake, "flaky", "1", image);
            fake.on("/v2/flaky/blobs/" + layer.digest(), e -> {
                e.sendResponseHeaders(200, layer.size());
                OutputStream out = e.getResponseBody();
                if (gets.incrementAndGet() == 1) {
                    out.write(layer.blob(), 0, (int) layer.size() / 2);
                    out.flush();
                    return; // the exchange is closed short: the body ends early
                }
                out.write(layer.blob());
                out.close();
            });
            try (ImageService svc = ImageServiceRegistryTest.service(plainHttp(fake.host()))) {
                ImageRecord r = svc.pull(fake.host() + "/flaky:1", Credentials.NONE);
                assertThat(r.id()).isEqualTo(image.configDigest().toString());
                assertThat(gets).hasValue(2);
                assertThat(svc.lowerDirs(r).get(0).resolve("r")).hasSize(200_000);
            }
        }
    }

    @Test
    void aLayerThatIsNotATarFailsWithoutRetrying() throws Exception {
        TestImage image = TestImageBuilder.image().layer(TestLayer.gzip(
                "not a tar archive at all, but long enough to fill a header block".repeat(20)
                        .getBytes(StandardCharsets.UTF_8))).build();
        TestLayer layer = image.layers().get(0);
        try (FakeRegistry fake = new FakeRegistry()) {
            serveImage(fake, "bad", "1", image);
            String path = "/v2/bad/blobs/" + layer.digest();
            fake.on(path, e -> FakeRegistry.respond(e, 200, "application/octet-stream", layer.blob()));
            try (ImageService svc = ImageServiceRegistryTest.service(plainHttp(fake.host()))) {
                assertThatThrownBy(() -> svc.pull(fake.host() + "/bad:1", Credentials.NONE))
                        .isInstanceOf(ImagePullException.class)
                        .hasRootCauseMessage("tar header checksum mismatch: not a tar archive or corrupted")
                        .hasMessageContaining("cannot be unpacked");
                assertThat(fake.count(path)).isEqualTo(1);
            }
        }
    }

    @Test
    void verifiesTlsUnlessTheRegistryIsConfiguredSkipVerify() throws Exception {
        try (TestRegistry registry = TestRegistry.startTls()) {
            PushedImage img = TestImageBuilder.image().layer(TestLayers.busybox())
                    .push(registry, "tls/busybox", "1", ManifestFormat.OCI);
            ImageServiceConfig verifying = ImageServiceConfig.defaults(root);
            try (ImageService svc = ImageServiceRegistryTest.service(verifying)) {
                assertThatThrownBy(() -> svc.pull(img.reference(), Credentials.NONE))
                        .isInstanceOf(ImagePullException.class)
                        .hasMessageContaining("TLS with https://" + registry.host() + " failed")
                        .hasMessageContaining("configure skip-verify");
                assertThat(svc.list()).isEmpty();
            }
            ImageServiceConfig skipVerify = ImageServiceConfig.defaults(root).withRegistries(Map.of(registry.host(),
                    new RegistryHostConfig(List.of(), false, true, false)));
            try (ImageService svc = ImageServiceRegistryTest.service(skipVerify)) {
                assertThat(svc.pull(img.reference(), Credentials.NONE).id()).isEqualTo(img.imageId().toString());
            }
        }
    }

    @Test
    void logsProgressAndOutcome() throws Exception {
        java.util.List<String> messages = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                messages.add(r.getLoggerName() + " " + r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger pkg = java.util.logging.Logger.getLogger("io.jcri.image");
        pkg.addHandler(capture);
        String layerHex;
        try (TestRegistry registry = TestRegistry.start()) {
            PushedImage img = TestImageBuilder.image().layer(TestLayers.busybox())
                    .push(registry, "logged", "1", ManifestFormat.OCI);
            layerHex = img.layers().get(0).get(0).digest().hex().substring(0, 12);
            ImageServiceConfig cfg = new ImageServiceConfig(root, Map.of(registry.host(),
                    new RegistryHostConfig(List.of(), true, false, false)), null, List.of(), null, null, 0,
                    Duration.ZERO);
            try (ImageService svc = ImageServiceRegistryTest.service(cfg)) {
                svc.pull(img.reference(), Credentials.NONE);
            }
        } finally {
            pkg.removeHandler(capture);
        }
        assertThat(messages).anySatisfy(m -> assertThat(m).startsWith("io.jcri.image.pull.PullProgress pulling ")
                .contains(layerHex).matches(".* [0-9.]+/[0-9.]+ MB.*"));
        assertThat(messages).anySatisfy(m -> assertThat(m).contains("pulled ").matches(".* in [0-9]+ ms"));
    }

    @Test
    void removalDuringASlowPullNeitherWaitsNorDeletesWhatThePullUses() throws Exception {
        TestImage other = TestImageBuilder.image().layer(TestLayer.gzip(TarWriter.bytes(t -> t.file("o", "other"))))
                .build();
        TestImage slow = TestImageBuilder.image().layer(TestLayer.gzip(TarWriter.bytes(t -> t.file("r",
                ImageServiceRegistryTest.randomBytes(50_000, 9), 0644, 0, 0)))).build();
        TestLayer layer = slow.layers().get(0);
        CountDownLatch midway = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (FakeRegistry fake = new FakeRegistry()) {
            serveImage(fake, "other", "1", other);
            fake.on("/v2/other/blobs/" + other.layers().get(0).digest(), e -> FakeRegistry.respond(e, 200,
                    "application/octet-stream", other.layers().get(0).blob()));
            serveImage(fake, "slow", "1", slow);
            fake.on("/v2/slow/blobs/" + layer.digest(), e -> {
                e.sendResponseHeaders(200, layer.size());
                OutputStream out = e.getResponseBody();
                out.write(layer.blob(), 0, 100);
                out.flush();
                midway.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
                out.write(layer.blob(), 100, (int) layer.size() - 100);
                out.close();
            });
            try (ImageService svc = ImageServiceRegistryTest.service(plainHttp(fake.host()))) {
                ImageRecord first = svc.pull(fake.host() + "/other:1", Credentials.NONE);
                java.util.concurrent.CompletableFuture<ImageRecord> pulling = java.util.concurrent.CompletableFuture
                        .supplyAsync(() -> {
                            try {
                                return svc.pull(fake.host() + "/slow:1", Credentials.NONE);
                            } catch (ImagePullException e) {
                                throw new java.util.concurrent.CompletionException(e);
                            }
                        });
                try {
                    assertThat(midway.await(10, TimeUnit.SECONDS)).isTrue();
                    // the slow pull has committed its manifest and config; the GC of this removal must spare them
                    long t0 = System.nanoTime();
                    assertThat(svc.remove(first.id())).isTrue();
                    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
                    svc.awaitCollections(); // the content goes after the answer, nor does the collector wait
                    assertThat(root.resolve("blobs/sha256/" + slow.configDigest().hex())).exists();
                    assertThat(root.resolve("blobs/sha256/" + other.configDigest().hex())).doesNotExist();
                } finally {
                    release.countDown();
                }
                ImageRecord pulled = pulling.get(30, TimeUnit.SECONDS);
                assertThat(pulled.id()).isEqualTo(slow.configDigest().toString());
                assertThat(root.resolve("blobs/sha256/" + slow.configDigest().hex())).exists();
                assertThat(svc.lowerDirs(pulled).get(0).resolve("r")).hasSize(50_000);
            }
        }
    }
}
