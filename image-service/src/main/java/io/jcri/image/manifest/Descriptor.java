package io.jcri.image.manifest;

import io.jcri.image.reference.Digest;

import java.util.List;

/** An OCI content descriptor: what a manifest says about one blob or child manifest. */
public record Descriptor(String mediaType, Digest digest, long size, Platform platform, List<String> urls) {
    public Descriptor {
        urls = urls == null ? List.of() : List.copyOf(urls);
    }

    public static Descriptor of(String mediaType, Digest digest, long size) {
        return new Descriptor(mediaType, digest, size, null, List.of());
    }
}
