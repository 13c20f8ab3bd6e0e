package io.jcri.runtime.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrashTest {
    @TempDir
    Path tmp;

    @Test
    void discardFreesTheNameAtOnceAndDeletesInTheBackground() throws Exception {
        Trash trash = new Trash(tmp.resolve("trash"));
        Path ctr = tmp.resolve("containers").resolve("c1");
        for (int round = 0; round < 3; round++) {
            Files.createDirectories(ctr.resolve("upper/a/b"));
            Files.createDirectories(ctr.resolve("work/work"));
            Files.writeString(ctr.resolve("upper/a/b/file"), "x");
            Files.createSymbolicLink(ctr.resolve("upper/link"), tmp); // not followed
            trash.discard(ctr);
            assertThat(ctr).doesNotExist(); // the same name can be created again right away
        }
        trash.discard(tmp.resolve("missing")); // fine
        assertThat(trash.awaitEmpty(10, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.list(tmp.resolve("trash"))).isEmpty();
        assertThat(tmp.resolve("containers")).exists();
    }

    @Test
    void whatAPreviousDaemonLeftIsDeletedAtStartUp() throws Exception {
        Path dir = tmp.resolve("trash");
        Files.createDirectories(dir.resolve("c1.123-1/upper/x"));
        Files.writeString(dir.resolve("c1.123-1/upper/x/f"), "y");
        Trash trash = new Trash(dir);
        assertThat(trash.awaitEmpty(10, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.list(dir)).isEmpty();
    }
}
