package io.jcri.image.pull;

import io.jcri.image.ImageService;
import io.jcri.image.ImageServiceConfig;
import io.jcri.image.metadata.ImageRecord;
import io.jcri.image.registry.Credentials;
import io.jcri.image.registry.RegistryHostConfig;
import io.jcri.image.testkit.ManifestFormat;
import io.jcri.image.testkit.PushedImage;
import io.jcri.image.testkit.TestImageBuilder;
import io.jcri.image.testkit.TestLayers;
import io.jcri.image.testkit.TestRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SmokeTest {
    @Test
    void pull(@TempDir Path root) throws Exception {
        try (TestRegistry reg = TestRegistry.start()) {
            PushedImage img = TestImageBuilder.image().layer(TestLayers.busybox()).entrypoint("/bin/sh")
                    .push(reg, "library/busybox", "latest", ManifestFormat.OCI);
            ImageServiceConfig cfg = ImageServiceConfig.defaults(root)
                    .withRegistries(Map.of(reg.host(), new RegistryHostConfig(List.of(), true, false, false)));
            try (ImageService svc = new ImageService(cfg)) {
                ImageRecord r = svc.pull(img.reference(), Credentials.NONE);
                System.out.println(r);
                assertThat(r.id()).isEqualTo(img.imageId().toString());
                Path dir = svc.lowerDirs(r).get(0);
                assertThat(Files.isSymbolicLink(dir.resolve("bin/sh"))).isTrue();
            }
            System.out.println(reg.log());
        }
    }
}
