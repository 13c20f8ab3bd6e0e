package io.jcri.image;

import io.jcri.image.metadata.ImageRecord;
import io.jcri.image.registry.Credentials;
import io.jcri.image.registry.RegistryHostConfig;
import io.jcri.image.testkit.ManifestFormat;
import io.jcri.image.testkit.PushedImage;
import io.jcri.image.testkit.TestLayers;
import io.jcri.image.testkit.TestRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A quick cold-pull measurement of the generated ~200 MB image, not a timed test: run with
 * {@code -Djcri.bench=true -Dtest=PullBenchmarkTest}. The benchmark proper (with the raw HTTP and tar floors)
 * lives in e2e.
 */
@EnabledIfSystemProperty(named = "jcri.bench", matches = "true")
class PullBenchmarkTest {
    @Test
    void coldPull(@TempDir Path root) throws Exception {
        try (TestRegistry registry = TestRegistry.start()) {
            PushedImage img = TestLayers.bigImage(200_000_000, 4, 1).push(registry, "big", "200m", ManifestFormat.OCI);
            for (int run = 0; run < 3; run++) {
                Path r = root.resolve("run" + run);
                ImageServiceConfig cfg = ImageServiceConfig.defaults(r).withRegistries(Map.of(registry.host(),
                        new RegistryHostConfig(List.of(), true, false, false)));
                try (ImageService svc = new ImageService(cfg)) {
                    long t0 = System.nanoTime();
                    ImageRecord rec = svc.pull(img.reference(), Credentials.NONE);
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    System.out.printf("cold pull %d: %d ms, %.1f MB compressed, %.1f MB/s%n", run, ms,
                            rec.size() / 1e6, rec.size() / 1e3 / ms);
                    assertThat(rec.id()).isEqualTo(img.imageId().toString());
                }
            }
            List<io.jcri.image.testkit.TestLayer> layers = img.layers().get(0);
            java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                    .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
            for (int run = 0; run < 3; run++) {
                long t0 = System.nanoTime();
                layers.parallelStream().forEach(l -> {
                    try {
                        http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(registry.url() + "/v2/big/blobs/"
                                + l.digest())).build(), java.net.http.HttpResponse.BodyHandlers.discarding());
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                System.out.printf("raw HTTP GET of all layers: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            }
            for (int run = 0; run < 3; run++) {
                Path dir = java.nio.file.Files.createDirectory(root.resolve("tar" + run));
                List<Path> blobs = new java.util.ArrayList<>();
                for (int i = 0; i < layers.size(); i++) {
                    blobs.add(java.nio.file.Files.write(dir.resolve("l" + i + ".tgz"), layers.get(i).blob()));
                }
                long t0 = System.nanoTime();
                List<Process> ps = new java.util.ArrayList<>();
                for (int i = 0; i < blobs.size(); i++) {
                    Path out = java.nio.file.Files.createDirectory(dir.resolve("x" + i));
                    ps.add(new ProcessBuilder("tar", "-xzf", blobs.get(i).toString(), "-C", out.toString())
                            .inheritIO().start());
                }
                for (Process p : ps) {
                    assertThat(p.waitFor()).isZero();
                }
                System.out.printf("tar -xzf of all layers (parallel): %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            }
        }
    }
}
