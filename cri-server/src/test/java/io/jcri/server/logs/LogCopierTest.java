package io.jcri.server.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogCopierTest {
    private static final Pattern ENTRY = Pattern.compile(
            "^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,9})?Z (stdout|stderr) [PF] .*$");

    @TempDir
    Path dir;

    @Test
    void timestampsAreGoRfc3339Nano() {
        assertThat(CriLogFormat.timestamp(Instant.parse("2026-11-28T23:01:02.123456789Z")))
                .isEqualTo("2026-11-28T23:01:02.123456789Z");
        assertThat(CriLogFormat.timestamp(Instant.parse("2026-11-28T23:01:02.120Z")))
                .isEqualTo("2026-11-28T23:01:02.12Z");
        assertThat(CriLogFormat.timestamp(Instant.parse("2026-11-28T23:01:02Z")))
                .isEqualTo("2026-11-28T23:01:02Z");
    }

    @Test
    void linesBecomeFullEntriesAndLongLinesAreSplitIntoPartials() throws Exception {
        String longLine = "x".repeat(25);
        String input = "hello\n\nworld\r\n" + longLine + "\n" + "y".repeat(10) + "\ntail";
        Path file = dir.resolve("c/0.log");
        try (ContainerLogFile log = new ContainerLogFile(file)) {
            new LogCopier(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), LogStream.STDERR, log, 10)
                    .run();
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).allMatch(l -> ENTRY.matcher(l).matches());
        assertThat(lines.stream().map(l -> l.substring(l.indexOf(' ') + 1)).toList()).containsExactly(
                "stderr F hello",
                "stderr F ",
                "stderr F world",
                "stderr P xxxxxxxxxx",
                "stderr P xxxxxxxxxx",
                "stderr F xxxxx",
                "stderr F yyyyyyyyyy",
                "stderr F tail");
    }

    @Test
    void reopenAfterRenameLosesNoLine() throws Exception {
        Path file = dir.resolve("0.log");
        int total = 20000;
        try (ContainerLogFile log = new ContainerLogFile(file);
             PipedOutputStream writer = new PipedOutputStream()) {
            PipedInputStream reader = new PipedInputStream(writer, 1 << 16);
            Thread copier = new Thread(new LogCopier(reader, LogStream.STDOUT, log, 16384));
            copier.start();
            List<Path> rotated = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                writer.write(("line " + i + "\n").getBytes(StandardCharsets.US_ASCII));
                if (i % 5000 == 4999) {
                    Path old = dir.resolve("0.log." + rotated.size());
                    Files.move(file, old);
                    log.reopen();
                    rotated.add(old);
                }
            }
            writer.close();
            copier.join(30_000);
            assertThat(copier.isAlive()).isFalse();
            List<String> all = new ArrayList<>();
            for (Path p : rotated) {
                all.addAll(Files.readAllLines(p));
            }
            all.addAll(Files.readAllLines(file));
            assertThat(all).hasSize(total);
            for (int i = 0; i < total; i++) {
                assertThat(all.get(i)).endsWith(" stdout F line " + i);
            }
        }
    }
}
