package io.jcri.server.container;

import io.jcri.image.ImageService;
import io.jcri.image.manifest.ImageConfig;
import io.jcri.server.store.Container;
import java.util.List;

/** The environment of a process exec'd into a container: the container's own (image env merged with the request's). */
final class ExecEnvironment {
    private final ImageService images;

    ExecEnvironment(ImageService images) {
        this.images = images;
    }

    List<String> of(Container c) {
        ImageConfig image = images.status(c.imageId()).map(i -> i.config())
                .orElse(new ImageConfig(null, null, null, null, null, null, null, null, null, null, null, null, null));
        return ImageConfigMerge.env(c.config(), image, null);
    }
}
