package io.jcri.image.registry;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns the registry host of a reference into the ordered list of endpoints to try. The key {@code *} configures
 * every host without its own entry (e.g. one loopback mirror for all registries of an offline cluster).
 */
public final class RegistryHosts {
    public static final String ANY_HOST = "*";
    private static final String DOCKER_HUB_API = "registry-1.docker.io";

    private final Map<String, RegistryHostConfig> hosts;

    public RegistryHosts(Map<String, RegistryHostConfig> hosts) {
        this.hosts = Map.copyOf(hosts);
    }

    public List<RegistryEndpoint> endpoints(String domain) {
        RegistryHostConfig cfg = hosts.getOrDefault(domain, hosts.getOrDefault(ANY_HOST, RegistryHostConfig.DEFAULT));
        List<RegistryEndpoint> out = new ArrayList<>();
        for (String m : cfg.mirrors()) {
            String url = m.contains("://") ? m : "https://" + m;
            out.add(new RegistryEndpoint(URI.create(url.replaceAll("/+$", "")), cfg.skipVerify(), true));
        }
        if (!cfg.noFallback() || cfg.mirrors().isEmpty()) {
            String host = domain.equals("docker.io") ? DOCKER_HUB_API : domain;
            out.add(new RegistryEndpoint(URI.create((cfg.plainHttp() ? "http://" : "https://") + host),
                    cfg.skipVerify(), false));
        }
        return out;
    }
}
