package io.jcri.image.testkit;

/** Docker schema2 (manifest list for multi-platform) or OCI (image index). */
public enum ManifestFormat {
    DOCKER("application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.docker.container.image.v1+json"),
    OCI("application/vnd.oci.image.manifest.v1+json",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.oci.image.config.v1+json");

    public final String manifestType;
    public final String indexType;
    public final String configType;

    ManifestFormat(String manifestType, String indexType, String configType) {
        this.manifestType = manifestType;
        this.indexType = indexType;
        this.configType = configType;
    }
}
