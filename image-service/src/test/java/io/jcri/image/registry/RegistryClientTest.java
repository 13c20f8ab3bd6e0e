package io.jcri.image.registry;

import io.jcri.image.manifest.Descriptor;
import io.jcri.image.reference.Digest;
import io.jcri.image.testkit.FakeRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RegistryClientTest {
    private static final String MANIFEST = "{\"schemaVersion\":2}";
    private static final byte[] BLOB = "blob content".getBytes(StandardCharsets.UTF_8);
    private static final Descriptor BLOB_DESC = Descriptor.of("application/octet-stream", Digest.sha256(BLOB),
            BLOB.length);
    private static final String BLOB_PATH = "/v2/app/blobs/" + BLOB_DESC.digest();

    FakeRegistry fake;
    RegistryEndpoint endpoint;
    final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        fake = new FakeRegistry();
        endpoint = new RegistryEndpoint(URI.create(fake.url()), false, false);
    }

    @AfterEach
    void stop() {
        release.countDown();
        fake.close();
    }

    static RegistryClient client(Duration stall) {
        return new RegistryClient(new RegistryClientSettings(Duration.ofSeconds(2), Duration.ofSeconds(5), stall, 3,
                Duration.ofMillis(10)), CredentialsProvider.NONE);
    }

    static RegistryClient client() {
        return client(Duration.ofSeconds(5));
    }

    @Test
    void bearerTokenIsFetchedCachedAndRefreshedAfter401() throws Exception {
        AtomicInteger issued = new AtomicInteger();
        String[] valid = {null};
        fake.on("/token", e -> {
            String q = e.getRequestURI().getRawQuery();
            assertThat(q).contains("service=fake").contains("scope=repository%3Aapp%3Apull");
            String expected = Credentials.basic("alice", "secret").basicHeader();
            if (!expected.equals(e.getRequestHeaders().getFirst("Authorization"))) {
                FakeRegistry.respond(e, 401, null, "");
                return;
            }
            valid[0] = "tok-" + issued.incrementAndGet();
            FakeRegistry.respond(e, 200, "application/json", "{\"token\":\"" + valid[0] + "\",\"expires_in\":300}");
        });
        fake.on("/v2/app/manifests/v1", e -> {
            if (valid[0] == null || !("Bearer " + valid[0]).equals(e.getRequestHeaders().getFirst("Authorization"))) {
                e.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"" + fake.url()
                        + "/token\",service=\"fake\",scope=\"repository:app:pull\"");
                FakeRegistry.respond(e, 401, "application/json", "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}");
                return;
            }
            FakeRegistry.respond(e, 200, "application/vnd.oci.image.manifest.v1+json", MANIFEST);
        });
        RegistryClient client = client();
        Credentials alice = Credentials.basic("alice", "secret");

        ManifestResponse m = client.fetchManifest(endpoint, "app", "v1", alice);
        assertThat(new String(m.body(), StandardCharsets.UTF_8)).isEqualTo(MANIFEST);
        assertThat(m.digest()).isEqualTo(Digest.sha256(MANIFEST.getBytes(StandardCharsets.UTF_8)));
        client.fetchManifest(endpoint, "app", "v1", alice);
        assertThat(issued).hasValue(1); // cached

        // the cached token is alice's: an anonymous request must ask for its own, and is refused
        assertThatThrownBy(() -> client.fetchManifest(endpoint, "app", "v1", Credentials.NONE))
                .isInstanceOf(RegistryException.class).hasMessageContaining("token request");
        assertThat(issued).hasValue(1);

        valid[0] = "revoked";
        client.fetchManifest(endpoint, "app", "v1", alice);
        assertThat(issued).hasValue(2); // re-authenticated after the 401

        assertThatThrownBy(() -> client().fetchManifest(endpoint, "app", "v1", Credentials.basic("alice", "wrong")))
                .isInstanceOf(RegistryException.class).hasMessageContaining("token request")
                .hasMessageContaining("401");
    }

    @Test
    void registryTokenIsUsedAsBearerWithoutChallenge() throws Exception {
        fake.on("/v2/app/manifests/v1", e -> {
            boolean ok = "Bearer given".equals(e.getRequestHeaders().getFirst("Authorization"));
            FakeRegistry.respond(e, ok ? 200 : 403, "application/vnd.oci.image.manifest.v1+json", MANIFEST);
        });
        client().fetchManifest(endpoint, "app", "v1", new Credentials("", "", "", "given"));
        assertThat(fake.count("/v2/app/manifests/v1")).isEqualTo(1);
    }

    @Test
    void identityTokenIsExchangedWithRefreshTokenGrant() throws Exception {
        fake.on("/token", e -> {
            String form = new String(e.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            boolean ok = e.getRequestMethod().equals("POST") && form.contains("grant_type=refresh_token")
                    && form.contains("refresh_token=idtok");
            FakeRegistry.respond(e, ok ? 200 : 400, "application/json", "{\"access_token\":\"from-id\"}");
        });
        fake.on("/v2/app/manifests/v1", e -> {
            if (!"Bearer from-id".equals(e.getRequestHeaders().getFirst("Authorization"))) {
                e.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"" + fake.url() + "/token\"");
                FakeRegistry.respond(e, 401, null, "");
                return;
            }
            FakeRegistry.respond(e, 200, "application/vnd.oci.image.manifest.v1+json", MANIFEST);
        });
        client().fetchManifest(endpoint, "app", "v1", new Credentials("", "", "idtok", ""));
    }

    @Test
    void retriesTransientErrorsWithBackoff() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        fake.on(BLOB_PATH, e -> {
            if (calls.incrementAndGet() < 3) {
                FakeRegistry.respond(e, 503, "text/plain", "busy");
            } else {
                FakeRegistry.respond(e, 200, "application/octet-stream", BLOB);
            }
        });
        assertThat(client().fetchBlob(endpoint, "app", BLOB_DESC, Credentials.NONE)).isEqualTo(BLOB);
        assertThat(calls).hasValue(3);
    }

    @Test
    void givesUpAfterMaxAttemptsAndDoesNotRetryClientErrors() {
        fake.on(BLOB_PATH, e -> FakeRegistry.respond(e, 502, "text/plain", "bad gateway"));
        assertThatThrownBy(() -> client().fetchBlob(endpoint, "app", BLOB_DESC, Credentials.NONE))
                .isInstanceOf(RegistryException.class).hasMessageContaining("HTTP 502");
        assertThat(fake.count(BLOB_PATH)).isEqualTo(3);

        fake.on("/v2/app/manifests/gone", e -> FakeRegistry.respond(e, 404, "application/json",
                "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}"));
        assertThatThrownBy(() -> client().fetchManifest(endpoint, "app", "gone", Credentials.NONE))
                .isInstanceOf(RegistryException.class).hasMessageContaining("MANIFEST_UNKNOWN")
                .satisfies(e -> assertThat(((RegistryException) e).isNotFound()).isTrue());
        assertThat(fake.count("/v2/app/manifests/gone")).isEqualTo(1);
    }

    @Test
    void followsRedirectToBlobStorageWithoutLeakingCredentials() throws Exception {
        try (FakeRegistry storage = new FakeRegistry()) {
            storage.on("/signed/blob", e -> FakeRegistry.respond(e, 200, "application/octet-stream", BLOB));
            String basic = Credentials.basic("bob", "pw").basicHeader();
            fake.on(BLOB_PATH, e -> {
                if (!basic.equals(e.getRequestHeaders().getFirst("Authorization"))) {
                    e.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"fake\"");
                    FakeRegistry.respond(e, 401, null, "");
                    return;
                }
                e.getResponseHeaders().set("Location", storage.url() + "/signed/blob?sig=1");
                FakeRegistry.respond(e, 307, null, "");
            });
            byte[] got = client().fetchBlob(endpoint, "app", BLOB_DESC, Credentials.basic("bob", "pw"));
            assertThat(got).isEqualTo(BLOB);
            assertThat(storage.requests()).singleElement()
                    .satisfies(r -> assertThat(r.authorization()).isNull());
        }
    }

    @Test
    void basicChallengeWithoutCredentialsFailsClearly() {
        fake.on(BLOB_PATH, e -> {
            e.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"fake\"");
            FakeRegistry.respond(e, 401, null, "");
        });
        assertThatThrownBy(() -> client().fetchBlob(endpoint, "app", BLOB_DESC, Credentials.NONE))
                .isInstanceOf(RegistryException.class).hasMessageContaining("requires credentials");
        // credentials addressed to another server are not sent here
        Credentials forOther = Credentials.fromCri("u", "p", "", "other.example:443", "", "");
        assertThatThrownBy(() -> client().fetchBlob(endpoint, "app", BLOB_DESC, forOther))
                .isInstanceOf(RegistryException.class).hasMessageContaining("requires credentials");
        assertThat(fake.requests()).allSatisfy(r -> assertThat(r.authorization()).isNull());
        Credentials forThis = Credentials.fromCri("u", "p", "", "http://" + fake.host() + "/", "", "");
        assertThat(forThis.appliesTo(fake.host())).isTrue();
    }

    @Test
    void cancelsAStalledTransfer() throws Exception {
        fake.on(BLOB_PATH, e -> {
            e.getResponseHeaders().set("Content-Type", "application/octet-stream");
            e.sendResponseHeaders(200, BLOB.length);
            OutputStream out = e.getResponseBody();
            out.write(BLOB, 0, 4);
            out.flush();
            try {
                release.await(30, TimeUnit.SECONDS); // the registry goes silent
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
        long started = System.nanoTime();
        try (InputStream in = client(Duration.ofMillis(300)).openBlob(endpoint, "app", BLOB_DESC, Credentials.NONE)) {
            assertThat(in.readNBytes(4)).isEqualTo(new byte[]{'b', 'l', 'o', 'b'});
            assertThatThrownBy(in::read).isInstanceOf(PullStalledException.class)
                    .hasMessageContaining("no data received for 300 ms");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void refusesManifestThatDoesNotMatchTheDigestAskedFor() {
        Digest other = Digest.sha256("something else".getBytes(StandardCharsets.UTF_8));
        fake.on("/v2/app/manifests/" + other, e -> FakeRegistry.respond(e, 200,
                "application/vnd.oci.image.manifest.v1+json", MANIFEST));
        assertThatThrownBy(() -> client().fetchManifest(endpoint, "app", other.toString(), Credentials.NONE))
                .isInstanceOf(ContentMismatchException.class);
    }

    @Test
    void readsDockerConfigJson(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        java.nio.file.Path file = dir.resolve("config.json");
        String auth = Base64.getEncoder().encodeToString("carol:pw".getBytes(StandardCharsets.UTF_8));
        java.nio.file.Files.writeString(file, "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" + auth
                + "\"},\"127.0.0.1:5000\":{\"username\":\"dave\",\"password\":\"x\"},"
                + "\"ghcr.io\":{\"identitytoken\":\"id\"}}}");
        DockerConfigCredentials c = DockerConfigCredentials.load(file);
        assertThat(c.forAuthority("registry-1.docker.io").username()).isEqualTo("carol");
        assertThat(c.forAuthority("registry-1.docker.io").password()).isEqualTo("pw");
        assertThat(c.forAuthority("127.0.0.1:5000").username()).isEqualTo("dave");
        assertThat(c.forAuthority("ghcr.io").identityToken()).isEqualTo("id");
        assertThat(c.forAuthority("quay.io").isEmpty()).isTrue();
        assertThat(DockerConfigCredentials.load(dir.resolve("missing.json")).forAuthority("x").isEmpty()).isTrue();
    }

    @Test
    void parsesChallenges() {
        AuthChallenge c = AuthChallenge.parse("Bearer realm=\"https://auth.example/token\",service=\"registry\","
                + "scope=\"repository:a/b:pull,push\"").orElseThrow();
        assertThat(c.isBearer()).isTrue();
        assertThat(c.param("realm")).isEqualTo("https://auth.example/token");
        assertThat(c.param("scope")).isEqualTo("repository:a/b:pull,push");
        assertThat(AuthChallenge.parse("Basic realm=x").orElseThrow().isBasic()).isTrue();
        assertThat(AuthChallenge.parse("")).isEmpty();
    }
}
