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
        }
    }
}
