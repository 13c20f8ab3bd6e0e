package io.jcri.server.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProtocolFormatsTest {
    @Test
    void exitStatusesAreKubernetesStatusObjects() {
        assertThat(ExitStatus.success().json()).isEqualTo("{\"metadata\":{},\"status\":\"Success\"}");
        assertThat(ExitStatus.exited(0, List.of("true")).json()).isEqualTo(ExitStatus.success().json());
        // containerd 1.6 sends, for the same exec (read from it by SpdystreamClientE2eTest):
        assertThat(ExitStatus.exited(3, List.of("sh", "-c", "echo err >&2; exit 3")).json()).isEqualTo(
                "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"command terminated with non-zero exit code:"
                + " error executing command [sh -c echo err \\u003e\\u00262; exit 3], exit code 3\","
                + "\"reason\":\"NonZeroExitCode\","
                + "\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\"3\"}]}}");
        assertThat(ExitStatus.error("bad \"quote\"\n").json()).contains("\"reason\":\"InternalError\"",
                "bad \\\"quote\\\"\\n", "\"code\":500");
        assertThat(ExitStatus.success().legacyText()).isEmpty();
        assertThat(ExitStatus.exited(3, List.of("false")).legacyText()).contains("exit code");
    }

    @Test
    void resizeEventsMaySpanFrames() {
        List<String> sizes = new ArrayList<>();
        ResizeDecoder d = new ResizeDecoder((w, h) -> sizes.add(w + "x" + h));
        d.data(Unpooled.copiedBuffer("{\"Width\":80,\"Hei", StandardCharsets.UTF_8));
        assertThat(sizes).isEmpty();
        d.data(Unpooled.copiedBuffer("ght\":24}\n{\"Width\":100,\"Height\":30}\n", StandardCharsets.UTF_8));
        assertThat(sizes).containsExactly("80x24", "100x30");
    }

    @Test
    void protocolVersionsKnowTheirFeatures() {
        assertThat(RemoteCommandProtocol.of("v4.channel.k8s.io").jsonStatus()).isTrue();
        assertThat(RemoteCommandProtocol.of("v3.channel.k8s.io").jsonStatus()).isFalse();
        assertThat(RemoteCommandProtocol.of("v3.channel.k8s.io").resizeStream()).isTrue();
        assertThat(RemoteCommandProtocol.of("v2.channel.k8s.io").resizeStream()).isFalse();
        assertThat(RemoteCommandProtocol.of("channel.k8s.io")).isEqualTo(RemoteCommandProtocol.V1);
    }
}
