package io.jcri.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * Gets a bearer token from the realm named in a registry's challenge (the distribution token protocol):
 * GET with basic credentials, or the OAuth2 refresh-token POST when an identity token is given.
 */
final class BearerTokenAuthenticator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(60);

    record Token(String value, Instant expiresAt) {
        boolean isFresh() {
            return Instant.now().isBefore(expiresAt.minusSeconds(5));
        }
    }

    private BearerTokenAuthenticator() {
    }

    static Token fetch(HttpClient http, AuthChallenge challenge, String scope, Credentials creds, Duration timeout)
            throws IOException, InterruptedException {
        String realm = challenge.param("realm");
        if (realm.isEmpty()) {
            throw new RegistryException(401, "bearer challenge without realm");
        }
        String service = challenge.param("service");
        HttpRequest request;
        if (!creds.identityToken().isEmpty()) {
            String form = "grant_type=refresh_token&client_id=jcri"
                    + "&refresh_token=" + enc(creds.identityToken())
                    + (service.isEmpty() ? "" : "&service=" + enc(service))
                    + (scope.isEmpty() ? "" : "&scope=" + enc(scope));
            request = HttpRequest.newBuilder(URI.create(realm)).timeout(timeout)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        } else {
            StringBuilder q = new StringBuilder();
            if (!service.isEmpty()) {
                q.append("service=").append(enc(service));
            }
            if (!scope.isEmpty()) {
                q.append(q.length() > 0 ? "&" : "").append("scope=").append(enc(scope));
            }
            URI uri = URI.create(realm + (q.length() == 0 ? "" : (realm.contains("?") ? "&" : "?") + q));
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).GET();
            if (creds.hasBasic()) {
                b.header("Authorization", creds.basicHeader());
            }
            request = b.build();
        }
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new RegistryException(response.statusCode(), "token request to " + realm + " failed: HTTP "
                    + response.statusCode() + (creds.isEmpty() ? " (no credentials given)" : ""));
        }
        JsonNode body = JSON.readTree(response.body());
        String token = body.path("token").asText("");
        if (token.isEmpty()) {
            token = body.path("access_token").asText("");
        }
        if (token.isEmpty()) {
            throw new RegistryException(401, "token response from " + realm + " has no token");
        }
        long expiresIn = body.path("expires_in").asLong(DEFAULT_LIFETIME.toSeconds());
        return new Token(token, Instant.now().plusSeconds(Math.max(expiresIn, DEFAULT_LIFETIME.toSeconds())));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
