package io.jcri.e2e.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.jcri.cri.v1.AttachRequest;
import io.jcri.cri.v1.ExecRequest;
import io.jcri.cri.v1.PortForwardRequest;
import io.jcri.e2e.harness.JcriDaemon;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streaming server over TLS, and the streaming RPCs' checks of their requests. */
class StreamingTlsE2eTest {
    @TempDir
    static Path base;
    static JcriDaemon daemon;
    static String baseUrl;

    @BeforeAll
    static void start() throws Exception {
        Path cert = base.resolve("cert.pem");
        Path key = base.resolve("key.pem");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key.toString(), "-out", cert.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        Path config = base.resolve("jcri.toml");
        Files.writeString(config, """
                [streaming]
                address = "127.0.0.1:0"
                tls_cert_file = "%s"
                tls_key_file = "%s"
                """.formatted(cert, key));
        daemon = JcriDaemon.start(base.resolve("d"), "--config", config.toString());
        Matcher m = Pattern.compile("streaming server on (https://127\\.0\\.0\\.1:\\d+)").matcher(daemon.log());
        assertThat(m.find()).as(daemon.log()).isTrue();
        baseUrl = m.group(1);
    }

    @AfterAll
    static void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void servesOverTlsAndUnknownTokensAre404() throws Exception {
        SSLContext trustAll = SSLContext.getInstance("TLS");
        trustAll.init(null, new TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String a) {
            }

            public void checkServerTrusted(X509Certificate[] c, String a) {
            }

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        HttpClient client = HttpClient.newBuilder().sslContext(trustAll).build();
        HttpResponse<String> res = client.send(HttpRequest.newBuilder(URI.create(baseUrl
                + "/exec/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(404);
        HttpResponse<String> other = client.send(HttpRequest.newBuilder(URI.create(baseUrl + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(other.statusCode()).isEqualTo(404);
    }

    @Test
    void theRpcsCheckTheirRequests() {
        var rt = daemon.endpoint().runtime();
        StatusRuntimeException noSuch = catchThrowableOfType(StatusRuntimeException.class, () -> rt.exec(
                ExecRequest.newBuilder().setContainerId("nosuch").addCmd("sh").setStdout(true).build()));
        assertThat(noSuch.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        StatusRuntimeException ttyStderr = catchThrowableOfType(StatusRuntimeException.class, () -> rt.exec(
                ExecRequest.newBuilder().setContainerId("x").addCmd("sh").setTty(true).setStderr(true).build()));
        assertThat(ttyStderr.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        StatusRuntimeException noCmd = catchThrowableOfType(StatusRuntimeException.class, () -> rt.exec(
                ExecRequest.newBuilder().setContainerId("x").setStdout(true).build()));
        assertThat(noCmd.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        StatusRuntimeException noStreams = catchThrowableOfType(StatusRuntimeException.class, () -> rt.attach(
                AttachRequest.newBuilder().setContainerId("x").build()));
        assertThat(noStreams.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        StatusRuntimeException noPod = catchThrowableOfType(StatusRuntimeException.class, () -> rt.portForward(
                PortForwardRequest.newBuilder().setPodSandboxId("nosuch").addPort(80).build()));
        assertThat(noPod.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }
}
