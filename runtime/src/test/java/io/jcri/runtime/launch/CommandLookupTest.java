package io.jcri.runtime.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.jcri.runtime.ProcessSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layers as the unpacker leaves them (top layer first); whiteouts are char devices 0:0 made with mknod. */
class CommandLookupTest {
    @TempDir
    Path dir;
    Path top;
    Path bottom;
    Path host;

    @BeforeEach
    void layers() throws Exception {
        top = Files.createDirectories(dir.resolve("top"));
        bottom = Files.createDirectories(dir.resolve("bottom"));
        host = Files.createDirectories(dir.resolve("host"));
        Files.createDirectories(bottom.resolve("bin"));
        Files.writeString(bottom.resolve("bin/busybox"), "elf");
        Files.createSymbolicLink(bottom.resolve("bin/sh"), Path.of("busybox"));
        Files.createDirectories(bottom.resolve("usr/bin"));
        Files.writeString(bottom.resolve("usr/bin/gone"), "elf");
        Files.createSymbolicLink(bottom.resolve("usr/bin/abs"), Path.of("/bin/busybox"));
        // climbs out with ..: inside the rootfs that is /bin/busybox, never the host's
        Files.createSymbolicLink(bottom.resolve("usr/bin/climb"), Path.of("../../../../../bin/busybox"));
        Files.createSymbolicLink(bottom.resolve("usr/bin/dangling"), Path.of("/nowhere/x"));
        // a symlink to a file that exists only on the host (this test's temp dir): must not count
        Files.writeString(host.resolve("tool"), "elf");
        Files.createSymbolicLink(bottom.resolve("usr/bin/tohost"), host.resolve("tool"));
        Files.createDirectories(top.resolve("usr/bin"));
        mknodWhiteout(top.resolve("usr/bin/gone"));
        Files.createDirectories(top.resolve("app"));
        Files.writeString(top.resolve("app/run"), "elf");
    }

    private static void mknodWhiteout(Path p) throws IOException, InterruptedException {
        Process mk = new ProcessBuilder("mknod", p.toString(), "c", "0", "0").inheritIO().start();
        assertThat(mk.waitFor()).isZero();
    }

    private Optional<String> missing(List<String> mounts, String cwd, String... args) {
        return CommandLookup.missing(new ProcessSpec(List.of(args), List.of("PATH=/usr/bin:/bin"), cwd, false,
                false, false, null, null), List.of(top, bottom), mounts);
    }

    private Optional<String> missing(String... args) {
        return missing(List.of(), "/", args);
    }

    @Test
    void findsCommandsAlongPathAndThroughSymlinksInsideTheLayers() {
        assertThat(missing("sh")).isEmpty();
        assertThat(missing("busybox")).isEmpty();
        assertThat(missing("/bin/sh", "-c", "true")).isEmpty();
        assertThat(missing("abs")).isEmpty();
        assertThat(missing("climb")).isEmpty();
        assertThat(missing("/app/run")).isEmpty();
        assertThat(missing(List.of(), "/app", "./run")).isEmpty();
    }

    @Test
    void aCommandNotInTheLayersIsMissing() {
        assertThat(missing("nosuchprogram")).contains("nosuchprogram");
        assertThat(missing("/no/such/program")).contains("/no/such/program");
        assertThat(missing("dangling")).contains("dangling");
        assertThat(missing("/bin/busybox/x")).contains("/bin/busybox/x");
        assertThat(missing(List.of(), "/", "./run")).contains("./run");
    }

    @Test
    void aWhiteoutInAnUpperLayerHidesTheFileBelow() {
        assertThat(missing("gone")).contains("gone");
        assertThat(missing("/usr/bin/gone")).contains("/usr/bin/gone");
    }

    @Test
    void aSymlinkToTheHostIsNotFollowedOutOfTheRootfs() {
        assertThat(missing("tohost")).contains("tohost");
    }

    @Test
    void whatAMountOrTheRuntimeProvidesIsLeftToTheStart() {
        assertThat(missing(List.of("/opt/tools/"), "/", "/opt/tools/x")).isEmpty();
        assertThat(missing(List.of("/usr/local/bin"), "/", "/usr/local/bin/x")).isEmpty();
        assertThat(missing("/proc/self/exe")).isEmpty();
        assertThat(missing(List.of("/opt/tools"), "/", "/usr/bin/nothing")).contains("/usr/bin/nothing");
    }
}
