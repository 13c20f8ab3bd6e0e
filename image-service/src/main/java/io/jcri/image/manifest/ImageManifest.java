package io.jcri.image.manifest;

import java.util.List;

/** A single-platform image manifest (OCI or Docker schema2): one config and its layers, bottom first. */
public record ImageManifest(String mediaType, Descriptor config, List<Descriptor> layers) {
    public ImageManifest {
        layers = List.copyOf(layers);
    }
}
