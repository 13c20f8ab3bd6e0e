package io.jcri.image.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Debian's {@code docker-registry} (distribution 2.x) on a free loopback port, with filesystem storage in a
 * temp dir, optional htpasswd basic auth, and its access log in a file so tests can count requests. Stopped by
 * its PID and its directory deleted on {@link #close()}.
 */
public final class TestRegistry implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/docker-registry");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final Process process;
    private final int port;
    private final String username;
    private final String password;
    private final boolean tls;

    private TestRegistry(Path dir, Process process, int port, String username, String password, boolean tls) {
        this.dir = dir;
        this.process = process;
        this.port = port;
        this.username = username;
        this.password = password;
        this.tls = tls;
    }

    /** A registry serving HTTPS with a fresh self-signed certificate for 127.0.0.1 (made with openssl). */
    public static TestRegistry startTls() throws IOException {
        return start(null, null, true);
    }

    /** An open registry (no auth). */
    public static TestRegistry start() throws IOException {
        return start(null, null);
    }

    /** A registry that demands basic auth with this user (null for none). */
    public static TestRegistry start(String username, String password) throws IOException {
        return start(username, password, false);
    }

    private static TestRegistry start(String username, String password, boolean tls) throws IOException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " missing: apt-get install docker-registry");
        }
        Path dir = Files.createTempDirectory("jcri-registry-");
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            try {
                return launch(dir, port, username, password, tls);
            } catch (IOException e) {
                last = e; // most likely the port was taken between probing and binding
            }
        }
        deleteQuietly(dir);
        throw last;
    }

    private static TestRegistry launch(Path dir, int port, String username, String password, boolean tls)
            throws IOException {
        String tlsConfig = "";
        if (tls) {
            Path cert = dir.resolve("cert.pem");
            Path key = dir.resolve("key.pem");
            if (!Files.exists(cert)) {
                exec("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key.toString(), "-out", cert.toString());
            }
            tlsConfig = "  tls:\n    certificate: " + cert + "\n    key: " + key + "\n";
        }
        String auth = "";
        if (username != null) {
            Path htpasswd = dir.resolve("htpasswd");
            Files.writeString(htpasswd, bcryptEntry(username, password));
            auth = "auth:\n  htpasswd:\n    realm: jcri-test\n    path: " + htpasswd + "\n";
        }
        Path config = dir.resolve("config.yml");
        Files.writeString(config, "version: 0.1\n"
                + "log:\n  level: info\n  accesslog:\n    disabled: false\n"
                + "storage:\n  filesystem:\n    rootdirectory: " + dir.resolve("data") + "\n"
                + "  delete:\n    enabled: true\n"
                + "http:\n  addr: 127.0.0.1:" + port + "\n" + tlsConfig
                + auth);
        Path log = dir.resolve("registry.log");
        Process p = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        TestRegistry r = new TestRegistry(dir, p, port, username, password, tls);
        try {
            r.awaitReady();
            return r;
        } catch (IOException | RuntimeException e) {
            r.stopProcess();
            throw e;
        }
    }

    private static String bcryptEntry(String user, String password) throws IOException {
        return exec("htpasswd", "-Bbn", user, password).trim() + "\n";
    }

    private static String exec(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return out;
    }

    private void awaitReady() throws IOException {
        HttpClient http = httpClient();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("docker-registry exited with " + process.exitValue() + ": " + log());
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/v2/"))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200 || r.statusCode() == 401) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            try {
                process.waitFor(50, TimeUnit.MILLISECONDS); // poll interval; returns early if it dies
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        throw new IOException("docker-registry did not answer /v2/ within " + START_TIMEOUT + ": " + log());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    HttpClient httpClient() {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5));
        if (tls) {
            b.sslContext(TrustAllTls.context());
        }
        return b.build();
    }

    /** {@code http://127.0.0.1:PORT} (https for a TLS registry) */
    public String url() {
        return (tls ? "https://" : "http://") + host();
    }

    /** {@code 127.0.0.1:PORT}, the registry host as written in image references. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    /** A client that pushes to this registry with its credentials. */
    public RegistryPusher pusher() {
        return new RegistryPusher(url(), username, password, httpClient());
    }

    public Path storageDir() {
        return dir.resolve("data");
    }

    /** Where the registry keeps a blob's bytes (distribution's filesystem layout). */
    public Path blobFile(String digest) {
        String hex = digest.substring(digest.indexOf(':') + 1);
        return storageDir().resolve("docker/registry/v2/blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data");
    }

    /** Replaces a blob's stored bytes with different bytes of the same length: served with a wrong digest. */
    public void corruptBlob(String digest) throws IOException {
        Path f = blobFile(digest);
        byte[] b = Files.readAllBytes(f);
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) ~b[i];
        }
        Files.write(f, b);
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("registry.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Successful GETs of a blob in the access log, under any repository. */
    public long blobGets(String digest) {
        Pattern p = Pattern.compile("\"GET /v2/[^ ]+/blobs/" + Pattern.quote(digest) + " HTTP/[0-9.]+\" 200 ");
        return log().lines().filter(l -> p.matcher(l).find()).count();
    }

    /** GET requests whose path contains {@code fragment}, whatever their status. */
    public long gets(String fragment) {
        return log().lines().filter(l -> l.contains("\"GET ") && l.contains(fragment)).count();
    }

    private void stopProcess() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public void close() {
        stopProcess();
        deleteQuietly(dir);
    }

    static void deleteQuietly(Path dir) {
        try {
            io.jcri.image.store.FileTrees.deleteRecursively(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "TestRegistry[" + url() + ", pid " + pid() + "]";
    }
}
