package io.jcri.image;

import io.jcri.image.manifest.Platform;
import io.jcri.image.registry.RegistryHostConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Configuration of the image service.
 *
 * @param root                   the store's root directory (blobs, snapshots, image records)
 * @param registries             per registry host (as in references, e.g. {@code docker.io}): mirrors, plain
 *                               HTTP, skip-verify, no-fallback
 * @param dockerConfig           a docker-style config.json with credentials, or null
 * @param pinnedImages           references of images reported pinned (never garbage-collected by kubelet)
 * @param stallTimeout           a transfer that receives no byte for this long is cancelled
 * @param platform               the platform picked from multi-platform images
 * @param maxConcurrentDownloads layers fetched and unpacked at the same time, across all pulls
 * @param progressInterval       at most one progress line per pull per interval
 */
public record ImageServiceConfig(
        Path root,
        Map<String, RegistryHostConfig> registries,
        Path dockerConfig,
        List<String> pinnedImages,
        Duration stallTimeout,
        Platform platform,
        int maxConcurrentDownloads,
        Duration progressInterval) {

    public ImageServiceConfig {
        registries = registries == null ? Map.of() : Map.copyOf(registries);
        pinnedImages = pinnedImages == null ? List.of() : List.copyOf(pinnedImages);
        stallTimeout = stallTimeout == null ? Duration.ofMinutes(1) : stallTimeout;
        platform = platform == null ? Platform.host() : platform;
        maxConcurrentDownloads = maxConcurrentDownloads <= 0 ? 3 : maxConcurrentDownloads;
        progressInterval = progressInterval == null ? Duration.ofSeconds(5) : progressInterval;
    }

    public static ImageServiceConfig defaults(Path root) {
        return new ImageServiceConfig(root, Map.of(), null, List.of(), null, null, 0, null);
    }

    public ImageServiceConfig withRegistries(Map<String, RegistryHostConfig> r) {
        return new ImageServiceConfig(root, r, dockerConfig, pinnedImages, stallTimeout, platform,
                maxConcurrentDownloads, progressInterval);
    }

    public ImageServiceConfig withDockerConfig(Path p) {
        return new ImageServiceConfig(root, registries, p, pinnedImages, stallTimeout, platform,
                maxConcurrentDownloads, progressInterval);
    }

    public ImageServiceConfig withPinnedImages(List<String> pinned) {
        return new ImageServiceConfig(root, registries, dockerConfig, pinned, stallTimeout, platform,
                maxConcurrentDownloads, progressInterval);
    }

    public ImageServiceConfig withStallTimeout(Duration d) {
        return new ImageServiceConfig(root, registries, dockerConfig, pinnedImages, d, platform,
                maxConcurrentDownloads, progressInterval);
    }

    public ImageServiceConfig withPlatform(Platform p) {
        return new ImageServiceConfig(root, registries, dockerConfig, pinnedImages, stallTimeout, p,
                maxConcurrentDownloads, progressInterval);
    }
}
