package io.jcri.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.jcri.cri.v1.ContainerConfig;
import io.jcri.cri.v1.ContainerMetadata;
import io.jcri.server.container.ContainerStatusRpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records a previous daemon (or a disk) left broken must not fail start-up or the List RPCs. */
class BrokenRecordsTest {
    @TempDir
    Path dir;

    private static Container container(String id, int stopSignal) {
        return new Container(id, "sandbox1", ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("c" + id)).setStopSignalValue(stopSignal).build(),
                "sha256:img", "img", null, 1);
    }

    @Test
    void aStoredUnknownStopSignalStillRendersAndTheLoaderSkipsCorruptFiles() throws Exception {
        ContainerStore store = new ContainerStore(dir);
        store.add(container("good", 15));
        store.add(container("odd", 99)); // as stored by a daemon before unknown enum values were refused
        Files.writeString(dir.resolve("corrupt.json"), "{not json");
        Files.writeString(dir.resolve("badproto.json"), "{\"id\":\"badproto\",\"sandboxId\":\"s\",\"config\":\"////\"}");

        ContainerStore reloaded = new ContainerStore(dir);
        assertThat(reloaded.all()).extracting(Container::id).containsExactlyInAnyOrder("good", "odd");
        for (Container c : reloaded.all()) {
            var status = ContainerStatusRpc.toStatus(c, Optional.empty());
            assertThat(status.getId()).isEqualTo(c.id());
        }
        assertThat(ContainerStatusRpc.toStatus(reloaded.get("odd"), Optional.empty()).getStopSignalValue())
                .isEqualTo(99);
    }

    @Test
    void aRecordThatCannotBeRenderedIsLeftOut() {
        assertThat(BrokenRecords.render("container", "x", () -> {
            throw new IllegalArgumentException("broken");
        })).isEmpty();
        assertThat(BrokenRecords.render("container", "y", () -> "ok")).contains("ok");
    }

    @Test
    void recordsAreRootOnly() throws Exception {
        ContainerStore store = new ContainerStore(dir.resolve("containers"));
        store.add(container("p", 15));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("containers"))))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("containers/p.json"))))
                .isEqualTo("rw-------");
    }
}
