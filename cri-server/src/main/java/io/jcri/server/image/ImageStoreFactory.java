package io.jcri.server.image;

import io.jcri.image.ImageService;
import io.jcri.image.ImageServiceConfig;
import io.jcri.image.registry.RegistryHostConfig;
import io.jcri.server.config.JcriConfig;
import io.jcri.server.config.RegistryConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the image library from the daemon configuration; images live under {@code <root_dir>/images}. */
public final class ImageStoreFactory {
    private ImageStoreFactory() {
    }

    public static ImageService create(JcriConfig config) {
        Map<String, RegistryHostConfig> registries = new LinkedHashMap<>();
        for (Map.Entry<String, RegistryConfig> e : config.registries().entrySet()) {
            RegistryConfig r = e.getValue();
            registries.put(e.getKey(), new RegistryHostConfig(r.mirrors(), r.plainHttp(), r.skipVerify(),
                    r.noFallback()));
        }
        ImageServiceConfig c = ImageServiceConfig.defaults(config.rootDir().resolve("images"))
                .withRegistries(registries)
                .withDockerConfig(config.image().dockerConfig())
                .withPinnedImages(config.image().pinnedImages())
                .withStallTimeout(Duration.ofSeconds(config.image().stallTimeoutSeconds()));
        c = new ImageServiceConfig(c.root(), c.registries(), c.dockerConfig(), c.pinnedImages(), c.stallTimeout(),
                c.platform(), config.image().maxConcurrentDownloads(), c.progressInterval());
        return new ImageService(c);
    }
}
