package io.jcri.e2e.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.jcri.cri.v1.ContainerState;
import io.jcri.cri.v1.PodSandboxConfig;
import io.jcri.cri.v1.ReopenContainerLogRequest;
import io.jcri.cri.v1.StopContainerRequest;
import io.jcri.e2e.harness.Deadline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The CRI log files as crictl logs and kubelet read them: exact format, long lines, rotation. */
class ContainerLogsE2eTest extends PodE2eBase {
    /** {@code <RFC3339Nano UTC> <stream> <P|F> <content>}. */
    static final Pattern ENTRY = Pattern.compile(
            "(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d{1,9})?Z) (stdout|stderr) ([PF]) (.*)");
    static final int MAX_LINE = 16 * 1024;


    record Entry(Instant time, String stream, boolean partial, String content) {
    }

    static List<Entry> parse(String log) {
        List<Entry> out = new ArrayList<>();
        for (String line : log.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            Matcher m = ENTRY.matcher(line);
            assertThat(m.matches()).as("CRI log line: %s", line.length() > 120 ? line.substring(0, 120) : line)
                    .isTrue();
            out.add(new Entry(Instant.parse(m.group(1)), m.group(2), m.group(3).equals("P"), m.group(4)));
        }
        return out;
    }

    @Test
    void aLineLongerThan16KiBIsSplitIntoPartsAndEachStreamIsTagged() {
        PodSandboxConfig podConfig = fx.pod("longline").build();
        String podId = c.runPod(podConfig);
        try {
            // 40000 'x' then a newline on stdout; one short line on stderr
            String ctr = c.run(podId, podConfig, fx.container("long", "sh", "-c",
                    "busybox head -c 40000 /dev/zero | busybox tr '\\0' x; echo; echo short >&2"));
            Deadline.await(Duration.ofSeconds(20), "the container to exit",
                    () -> c.status(ctr).getState() == ContainerState.CONTAINER_EXITED);
            Path log = Path.of(podConfig.getLogDirectory(), "long/0.log");
            Deadline.await(Duration.ofSeconds(10), "the stderr line in " + log,
                    () -> PodClient.readLog(log).contains(" stderr F short\n"));
            List<Entry> entries = parse(PodClient.readLog(log));
            List<Entry> out = entries.stream().filter(e -> e.stream().equals("stdout")).toList();
            assertThat(out).extracting(Entry::partial).containsExactly(true, true, false);
            assertThat(out.get(0).content()).hasSize(MAX_LINE);
            assertThat(out.get(1).content()).hasSize(MAX_LINE);
            assertThat(out.get(2).content()).hasSize(40000 - 2 * MAX_LINE);
            assertThat(String.join("", out.stream().map(Entry::content).toList())).matches("x{40000}");
            assertThat(entries.stream().filter(e -> e.stream().equals("stderr")).toList())
                    .containsExactly(entries.stream().filter(e -> e.stream().equals("stderr")).findFirst()
                            .orElseThrow())
                    .allMatch(e -> !e.partial() && e.content().equals("short"));
            for (int i = 1; i < out.size(); i++) {
                assertThat(out.get(i).time()).isAfterOrEqualTo(out.get(i - 1).time());
            }
        } finally {
            c.cleanup(podId);
        }
    }

    @Test
    void rotationThroughReopenContainerLogLosesNoLine() throws Exception {
        PodSandboxConfig podConfig = fx.pod("rotate").build();
        String podId = c.runPod(podConfig);
        try {
            String ctr = c.run(podId, podConfig, fx.container("counter", "sh", "-c",
                    "i=0; while :; do echo line-$i; i=$((i+1)); busybox usleep 1000; done"));
            Path log = Path.of(podConfig.getLogDirectory(), "counter/0.log");
            Path rotated = log.resolveSibling("0.log.20261128-000000");
            Deadline.await(Duration.ofSeconds(20), "some lines", () -> PodClient.readLog(log).contains("line-50\n"));
            // kubelet's rotation: rename, then ask the runtime to reopen
            Files.move(log, rotated);
            c.rt().reopenContainerLog(ReopenContainerLogRequest.newBuilder().setContainerId(ctr).build());
            Deadline.await(Duration.ofSeconds(20), "lines in the new file", () -> PodClient.readLog(log)
                    .lines().count() > 50);
            c.rt().stopContainer(StopContainerRequest.newBuilder().setContainerId(ctr).setTimeout(0).build());

            List<Entry> before = parse(PodClient.readLog(rotated));
            List<Entry> after = parse(PodClient.readLog(log));
            assertThat(before).isNotEmpty();
            assertThat(after).isNotEmpty();
            List<Entry> all = new ArrayList<>(before);
            all.addAll(after);
            // the union is line-0 .. line-N, in order, each exactly once, none cut
            for (int i = 0; i < all.size(); i++) {
                Entry e = all.get(i);
                assertThat(e.partial()).isFalse();
                assertThat(e.content()).as("entry %d", i).isEqualTo("line-" + i);
            }
        } finally {
            c.cleanup(podId);
        }
    }
}
