package io.jcri.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcri.image.manifest.Descriptor;
import io.jcri.image.manifest.MediaTypes;
import io.jcri.image.reference.Digest;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A small client for the pull side of the OCI distribution API: manifests and blobs, with bearer and basic
 * auth, retries with exponential backoff on transient failures, redirects that drop credentials when they
 * leave the registry's host, and stall detection on bodies.
 */
public final class RegistryClient {
    private static final Logger LOG = Logger.getLogger(RegistryClient.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_MANIFEST_BYTES = 4 << 20;
    private static final int MAX_REDIRECTS = 5;
    private static final Set<Integer> TRANSIENT = Set.of(408, 429, 500, 502, 503, 504);

    private final RegistryClientSettings settings;
    private final CredentialsProvider configured;
    /**
     * Made at the first pull, not at start-up: an HttpClient loads ~450 classes (java.net.http, TLS) and keeps a
     * selector thread, which an idle daemon that has nothing to pull would carry for nothing (issue 15).
     */
    private volatile HttpClient verifying;
    private volatile HttpClient insecure;
    /** Authorization header values by endpoint authority and scope; bearer tokens carry their expiry. */
    private final Map<String, CachedAuth> authCache = new ConcurrentHashMap<>();

    private record CachedAuth(String header, BearerTokenAuthenticator.Token token) {
        boolean usable() {
            return token == null || token.isFresh();
        }
    }

    public RegistryClient(RegistryClientSettings settings, CredentialsProvider configured) {
        this.settings = settings;
        this.configured = configured;
    }

    public RegistryClientSettings settings() {
        return settings;
    }

    private HttpClient newClient(javax.net.ssl.SSLContext ssl) {
        HttpClient.Builder b = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.connectTimeout());
        if (ssl != null) {
            b.sslContext(ssl);
        }
        return b.build();
    }

    private HttpClient http(RegistryEndpoint ep) {
        if (!ep.skipVerify()) {
            HttpClient v = verifying;
            if (v == null) {
                synchronized (this) {
                    if (verifying == null) {
                        verifying = newClient(null);
                    }
                    v = verifying;
                }
            }
            return v;
        }
        HttpClient c = insecure;
        if (c == null) {
            synchronized (this) {
                if (insecure == null) {
                    insecure = newClient(InsecureTls.context());
                }
                c = insecure;
            }
        }
        return c;
    }

    /** GETs {@code /v2/<repo>/manifests/<reference>} and checks the body against the digest if one is asked for. */
    public ManifestResponse fetchManifest(RegistryEndpoint ep, String repo, String reference, Credentials creds)
            throws IOException, InterruptedException {
        URI uri = ep.resolve("/v2/" + repo + "/manifests/" + reference);
        HttpResponse<InputStream> r = send(ep, repo, uri, String.join(", ", MediaTypes.MANIFEST_ACCEPT), creds);
        byte[] body;
        try (InputStream in = r.body()) {
            body = in.readNBytes(MAX_MANIFEST_BYTES + 1);
        }
        if (body.length > MAX_MANIFEST_BYTES) {
            throw new RegistryException(r.statusCode(), "manifest " + repo + ":" + reference + " is larger than "
                    + MAX_MANIFEST_BYTES + " bytes");
        }
        Digest digest = Digest.sha256(body);
        if (reference.contains(":")) {
            Digest wanted = Digest.parse(reference);
            MessageDigest h = wanted.newHasher();
            h.update(body);
            if (!wanted.matches(h)) {
                throw new ContentMismatchException("manifest " + repo + "@" + wanted + " from " + ep
                        + " does not match its digest");
            }
            digest = wanted;
        }
        return new ManifestResponse(body, r.headers().firstValue("Content-Type").orElse(""), digest);
    }

    /** Fetches a small blob (an image config) into memory, verified against its descriptor. */
    public byte[] fetchBlob(RegistryEndpoint ep, String repo, Descriptor d, Credentials creds)
            throws IOException, InterruptedException {
        if (d.size() > MAX_MANIFEST_BYTES) {
            throw new RegistryException(0, "blob " + d.digest() + " too large to read into memory: " + d.size());
        }
        byte[] body;
        try (InputStream in = openBlob(ep, repo, d, creds)) {
            body = in.readNBytes((int) d.size() + 1);
        }
        MessageDigest h = d.digest().newHasher();
        h.update(body);
        if (body.length != d.size() || !d.digest().matches(h)) {
            throw new ContentMismatchException("blob " + d.digest() + " from " + ep + " does not match its descriptor"
                    + " (got " + body.length + " bytes, expected " + d.size() + ")");
        }
        return body;
    }

    /** Opens the body of {@code /v2/<repo>/blobs/<digest>}; the caller verifies what it reads. */
    public InputStream openBlob(RegistryEndpoint ep, String repo, Descriptor d, Credentials creds)
            throws IOException, InterruptedException {
        URI uri = ep.resolve("/v2/" + repo + "/blobs/" + d.digest());
        return send(ep, repo, uri, "*/*", creds).body();
    }

    private HttpResponse<InputStream> send(RegistryEndpoint ep, String repo, URI uri, String accept, Credentials given)
            throws IOException, InterruptedException {
        Credentials creds = given.isEmpty() || !given.appliesTo(ep.authority())
                ? configured.forAuthority(ep.authority()) : given;
        Duration backoff = settings.initialBackoff();
        IOException last = null;
        for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
            try {
                HttpResponse<InputStream> r = sendAuthenticated(ep, repo, uri, accept, creds);
                int status = r.statusCode();
                if (status / 100 == 2) {
                    return r;
                }
                RegistryException error = errorOf(r, uri);
                if (!TRANSIENT.contains(status)) {
                    throw error;
                }
                last = error;
            } catch (RegistryException e) {
                throw e;
            } catch (javax.net.ssl.SSLException e) {
                throw new RegistryException("TLS with " + ep + " failed: " + e.getMessage()
                        + (ep.skipVerify() ? "" : " (if this registry's certificate is not meant to be verified,"
                        + " configure skip-verify for it)"), e);
            } catch (HttpTimeoutException | java.net.ConnectException e) {
                last = new RegistryException("cannot reach " + uri + ": " + e, e);
            } catch (IOException e) {
                last = new RegistryException("request " + uri + " failed: " + e, e);
            }
            if (attempt < settings.maxAttempts()) {
                LOG.log(Level.FINE, "retrying {0} in {1} ms after: {2}",
                        new Object[]{uri, backoff.toMillis(), last.getMessage()});
                Thread.sleep(backoff.toMillis());
                backoff = backoff.multipliedBy(2);
            }
        }
        throw last;
    }

    private HttpResponse<InputStream> sendAuthenticated(RegistryEndpoint ep, String repo, URI uri, String accept,
                                                        Credentials creds) throws IOException, InterruptedException {
        String scope = "repository:" + repo + ":pull";
        // a token obtained with one pull's credentials must never serve a pull with other (or no) credentials
        String who = creds.fingerprint();
        String key = ep.authority() + "|" + scope + "|" + who;
        String basicKey = ep.authority() + "|basic|" + who;
        String auth = null;
        if (!creds.registryToken().isEmpty()) {
            auth = "Bearer " + creds.registryToken();
        } else {
            CachedAuth cached = Optional.ofNullable(authCache.get(key)).orElse(authCache.get(basicKey));
            if (cached != null && cached.usable()) {
                auth = cached.header();
            }
        }
        HttpResponse<InputStream> r = sendFollowingRedirects(ep, uri, accept, auth);
        if (r.statusCode() != 401) {
            return r;
        }
        String header = r.headers().firstValue("WWW-Authenticate").orElse("");
        r.body().close();
        AuthChallenge challenge = AuthChallenge.parse(header).orElseThrow(
                () -> new RegistryException(401, "unauthorized at " + uri + " and no WWW-Authenticate challenge"));
        if (challenge.isBearer()) {
            String challengeScope = challenge.param("scope");
            BearerTokenAuthenticator.Token token = BearerTokenAuthenticator.fetch(http(ep), challenge,
                    challengeScope.isEmpty() ? scope : challengeScope, creds, settings.responseTimeout());
            auth = "Bearer " + token.value();
            authCache.put(key, new CachedAuth(auth, token));
        } else if (challenge.isBasic()) {
            if (!creds.hasBasic()) {
                throw new RegistryException(401, ep + " requires credentials (basic auth) and none were given");
            }
            auth = creds.basicHeader();
            authCache.put(basicKey, new CachedAuth(auth, null));
        } else {
            throw new RegistryException(401, "unsupported auth scheme \"" + challenge.scheme() + "\" at " + ep);
        }
        r = sendFollowingRedirects(ep, uri, accept, auth);
        if (r.statusCode() == 401) {
            r.body().close();
            authCache.remove(key);
            authCache.remove(basicKey);
            throw new RegistryException(401, "unauthorized: " + ep + " rejected the "
                    + (creds.isEmpty() ? "anonymous token" : "credentials of " + creds.username()) + " for " + repo);
        }
        return r;
    }

    private HttpResponse<InputStream> sendFollowingRedirects(RegistryEndpoint ep, URI uri, String accept, String auth)
            throws IOException, InterruptedException {
        URI current = uri;
        String currentAuth = auth;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(current).timeout(settings.responseTimeout()).GET()
                    .header("Accept", accept);
            if (currentAuth != null) {
                b.header("Authorization", currentAuth);
            }
            HttpResponse<InputStream> r = http(ep).send(b.build(),
                    info -> new StallAwareBodySubscriber(settings.stallTimeout(), uri.toString()));
            int status = r.statusCode();
            if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
                return r;
            }
            Optional<String> location = r.headers().firstValue("Location");
            r.body().close();
            if (location.isEmpty()) {
                throw new RegistryException(status, "redirect without Location from " + current);
            }
            URI next = current.resolve(location.get());
            if (!next.getRawAuthority().equals(uri.getRawAuthority()) || !next.getScheme().equals(uri.getScheme())) {
                currentAuth = null; // blob storage (S3, CDN) authenticates by signed URL, never with our token
            }
            current = next;
        }
        throw new RegistryException(0, "too many redirects from " + uri);
    }

    private static RegistryException errorOf(HttpResponse<InputStream> r, URI uri) {
        String detail = "";
        try (InputStream in = r.body()) {
            byte[] body = in.readNBytes(64 * 1024);
            JsonNode errors = JSON.readTree(body).path("errors");
            if (errors.isArray() && errors.size() > 0) {
                JsonNode e = errors.get(0);
                detail = ": " + e.path("code").asText("") + " " + e.path("message").asText("");
            }
        } catch (IOException | RuntimeException ignored) {
            // an error body that is not the distribution error JSON adds nothing
        }
        return new RegistryException(r.statusCode(), "HTTP " + r.statusCode() + " from " + uri + detail);
    }
}
