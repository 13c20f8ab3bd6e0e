package io.jcri.image.registry;

import java.net.URI;

/**
 * One place to fetch a repository from: the registry host itself or one of its mirrors.
 *
 * @param base       scheme and authority, e.g. {@code https://registry-1.docker.io}
 * @param skipVerify TLS certificates are not checked
 * @param mirror     whether this is a mirror of the reference's host
 */
public record RegistryEndpoint(URI base, boolean skipVerify, boolean mirror) {
    /** host[:port] of the endpoint, the key for credentials. */
    public String authority() {
        return base.getRawAuthority();
    }

    public URI resolve(String path) {
        return URI.create(base.toString().replaceAll("/+$", "") + path);
    }

    @Override
    public String toString() {
        return base.toString() + (mirror ? " (mirror)" : "");
    }
}
