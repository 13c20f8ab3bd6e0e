package io.jcri.image.registry;

import java.util.List;

/**
 * Settings for one registry host (as written in image references, e.g. {@code docker.io}).
 *
 * @param mirrors    endpoints tried in order before the host itself, e.g. {@code http://127.0.0.1:5000};
 *                   a mirror's scheme says whether it is plain HTTP
 * @param plainHttp  talk plain HTTP to the host itself instead of HTTPS
 * @param skipVerify accept any TLS certificate (and host name) from this host and its mirrors
 * @param noFallback never contact the host itself, only its mirrors
 */
public record RegistryHostConfig(List<String> mirrors, boolean plainHttp, boolean skipVerify, boolean noFallback) {
    public static final RegistryHostConfig DEFAULT = new RegistryHostConfig(List.of(), false, false, false);

    public RegistryHostConfig {
        mirrors = mirrors == null ? List.of() : List.copyOf(mirrors);
    }

    public static RegistryHostConfig mirroredBy(String... mirrors) {
        return new RegistryHostConfig(List.of(mirrors), false, false, false);
    }

    public RegistryHostConfig withNoFallback() {
        return new RegistryHostConfig(mirrors, plainHttp, skipVerify, true);
    }
}
