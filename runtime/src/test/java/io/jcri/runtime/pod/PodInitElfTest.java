package io.jcri.runtime.pod;

import io.jcri.runtime.sys.AssembledSource;
import io.jcri.runtime.sys.StaticElf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The pod init's bytes and its layer; its behaviour as PID 1 is tested with real pods in SharedPidPodTest. */
class PodInitElfTest {
    @TempDir
    Path tmp;

    @Test
    void bytesAreTheAssembledSource() throws Exception {
        assertThat(StaticElf.hex(PodInitElf.CODE_HEX)).isEqualTo(AssembledSource.text("podinit.S", tmp));
        assertThat(PodInitElf.image()).hasSize(194);
    }

    @Test
    void layerHoldsOnlyTheExecutable() throws Exception {
        Path layer = tmp.resolve("pod-init");
        Files.createDirectories(layer.resolve("stale/dir"));
        Files.writeString(layer.resolve(PodInitElf.NAME), "old");
        PodInitElf.writeLayer(layer);
        try (Stream<Path> s = Files.list(layer)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly(PodInitElf.NAME);
        }
        Path exe = layer.resolve(PodInitElf.NAME);
        assertThat(Files.readAllBytes(exe)).isEqualTo(PodInitElf.image());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(exe))).isEqualTo("r-xr-xr-x");
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).as("no temporary file left").containsExactly("pod-init");
        }
        PodInitElf.writeLayer(layer); // unchanged: nothing to do
        assertThat(Files.readAllBytes(exe)).isEqualTo(PodInitElf.image());
    }
}
