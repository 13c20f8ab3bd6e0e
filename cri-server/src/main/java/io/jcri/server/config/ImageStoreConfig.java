package io.jcri.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The {@code [image]} section: pulling and keeping images. */
public final class ImageStoreConfig {
    @Setting("Images reported as pinned: kubelet's image garbage collection and crictl rmi --prune keep them.")
    @JsonProperty("pinned_images")
    private List<String> pinnedImages = new ArrayList<>();

    @Setting("A pull that receives no byte for this many seconds is cancelled with an error.")
    @JsonProperty("stall_timeout_seconds")
    private int stallTimeoutSeconds = 60;

    @Setting("Layers downloaded and unpacked at the same time, across all pulls.")
    @JsonProperty("max_concurrent_downloads")
    private int maxConcurrentDownloads = 3;

    @Setting("A docker-style config.json whose \"auths\" give registry credentials; empty for none.")
    @JsonProperty("docker_config")
    private String dockerConfig = "";

    public List<String> pinnedImages() {
        return pinnedImages;
    }

    public int stallTimeoutSeconds() {
        return stallTimeoutSeconds;
    }

    public int maxConcurrentDownloads() {
        return maxConcurrentDownloads;
    }

    public Path dockerConfig() {
        return dockerConfig == null || dockerConfig.isEmpty() ? null : Path.of(dockerConfig);
    }

    void validate() {
        if (stallTimeoutSeconds <= 0) {
            throw new ConfigException("[image] stall_timeout_seconds must be > 0, got " + stallTimeoutSeconds);
        }
        if (maxConcurrentDownloads <= 0) {
            throw new ConfigException("[image] max_concurrent_downloads must be > 0, got " + maxConcurrentDownloads);
        }
    }
}
