package io.jcri.image.testkit;

import io.jcri.image.reference.Digest;

/** A layer ready to push: the compressed blob, its digest, and the diff id of its uncompressed tar. */
public record TestLayer(byte[] blob, LayerCompression compression, Digest digest, Digest diffId) {
    public static TestLayer of(byte[] tar, LayerCompression compression) {
        byte[] blob = compression.compress(tar);
        return new TestLayer(blob, compression, Digest.sha256(blob), Digest.sha256(tar));
    }

    public static TestLayer gzip(byte[] tar) {
        return of(tar, LayerCompression.GZIP);
    }

    public long size() {
        return blob.length;
    }

    String mediaType(ManifestFormat format) {
        return switch (format) {
            case OCI -> switch (compression) {
                case NONE -> "application/vnd.oci.image.layer.v1.tar";
                case GZIP -> "application/vnd.oci.image.layer.v1.tar+gzip";
                case ZSTD -> "application/vnd.oci.image.layer.v1.tar+zstd";
            };
            case DOCKER -> switch (compression) {
                case NONE -> "application/vnd.docker.image.rootfs.diff.tar";
                case GZIP -> "application/vnd.docker.image.rootfs.diff.tar.gzip";
                case ZSTD -> "application/vnd.docker.image.rootfs.diff.tar.zstd";
            };
        };
    }
}
