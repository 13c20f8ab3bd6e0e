package io.jcri.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Credentials from a docker-style {@code config.json} ({@code {"auths": {"host": {"auth": "...",
 * "identitytoken": "..."}}}}). Keys may be bare hosts or URLs; Docker Hub's historical key
 * {@code https://index.docker.io/v1/} serves {@code registry-1.docker.io}. Credential helpers are not run.
 */
public final class DockerConfigCredentials implements CredentialsProvider {
    private final Map<String, Credentials> byAuthority;

    private DockerConfigCredentials(Map<String, Credentials> byAuthority) {
        this.byAuthority = Map.copyOf(byAuthority);
    }

    public static DockerConfigCredentials load(Path file) {
        if (file == null || !Files.exists(file)) {
            return new DockerConfigCredentials(Map.of());
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read registry credentials from " + file, e);
        }
        Map<String, Credentials> map = new HashMap<>();
        root.path("auths").fields().forEachRemaining(e -> {
            JsonNode a = e.getValue();
            Credentials c = Credentials.fromAuthConfig(a.path("username").asText(""), a.path("password").asText(""),
                    a.path("auth").asText(""), a.path("identitytoken").asText(""), a.path("registrytoken").asText(""));
            map.put(authorityOf(e.getKey()), c);
        });
        return new DockerConfigCredentials(map);
    }

    static String authorityOf(String key) {
        String k = key.replaceFirst("^[a-zA-Z]+://", "");
        int slash = k.indexOf('/');
        if (slash >= 0) {
            k = k.substring(0, slash);
        }
        return switch (k) {
            case "index.docker.io", "docker.io", "registry.hub.docker.com" -> "registry-1.docker.io";
            default -> k;
        };
    }

    @Override
    public Credentials forAuthority(String authority) {
        return byAuthority.getOrDefault(authorityOf(authority), Credentials.NONE);
    }
}
