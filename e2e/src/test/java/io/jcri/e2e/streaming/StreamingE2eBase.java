package io.jcri.e2e.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.jcri.cri.v1.ExecRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** One {@link StreamingFixture} per test class with a long-running container to exec into, and the SPDY upgrade. */
abstract class StreamingE2eBase {
    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path base;
    static StreamingFixture fx;
    static String main;

    @BeforeAll
    static void startFixture() throws Exception {
        fx = new StreamingFixture(base);
        main = fx.run(fx.container("main", "sleep", "3600"));
    }

    @AfterAll
    static void stopFixture() {
        if (fx != null) {
            fx.close();
            fx = null;
        }
    }

    static String execUrl(String... cmd) {
        return execUrl(false, true, true, false, cmd);
    }

    static String execUrl(boolean stdin, boolean stdout, boolean stderr, boolean tty, String... cmd) {
        return fx.rt().exec(ExecRequest.newBuilder().setContainerId(main).addAllCmd(List.of(cmd))
                .setStdin(stdin).setStdout(stdout).setStderr(stderr).setTty(tty).build()).getUrl();
    }

    static SpdyTestClient spdy(String url, String protocol) throws Exception {
        SpdyTestClient.Upgrade up = SpdyTestClient.connect(url, protocol);
        assertThat(up.status()).as("upgrade answer: " + up.body()).isEqualTo(101);
        assertThat(up.protocol()).isEqualTo(protocol);
        return up.connection();
    }
}
