package io.jcri.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host device nodes read as containerd's WithDevices reads them. */
class HostDevicesTest {
    @TempDir
    Path tmp;

    @Test
    void aNodeWithItsNumbersModeAndOwner() throws Exception {
        List<DeviceSpec> d = HostDevices.resolve("/dev/null", "/dev/probe-null", "rw");
        assertThat(d).containsExactly(new DeviceSpec("/dev/probe-null", 'c', 1, 3, 0666, 0, 0, "rw"));
        assertThat(HostDevices.resolve("/dev/null", "", "r").get(0).containerPath()).isEqualTo("/dev/null");
    }

    @Test
    void symlinksAreResolvedFirst() throws Exception {
        Path link = Files.createSymbolicLink(tmp.resolve("link"), Path.of("/dev/zero"));
        assertThat(HostDevices.resolve(link.toString(), "/dev/z", "rwm").get(0).minor()).isEqualTo(5);
    }

    @Test
    void aDirectoryGivesTheNodesBelowItAndSkipsTheRest() throws Exception {
        List<DeviceSpec> all = HostDevices.resolve("/dev", "/host", "rwm");
        assertThat(all).extracting(DeviceSpec::containerPath).contains("/host/null", "/host/zero")
                .doesNotContain("/host/console").noneMatch(p -> p.startsWith("/host/pts/"));
    }

    @Test
    void missingAndNonDevicePaths() throws Exception {
        assertThatThrownBy(() -> HostDevices.resolve("/dev/jcri-no-such", "/dev/x", "rw"))
                .isInstanceOf(NoSuchFileException.class);
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertThatThrownBy(() -> HostDevices.resolve(file.toString(), "/dev/x", "rw"))
                .isInstanceOf(HostDevices.NotADeviceException.class);
    }

    @Test
    void majorMinorAsGlibcSplitsThem() {
        long dev = io.jcri.runtime.sys.Sc.makedev(259, 65536 + 7);
        assertThat(HostDevices.major(dev)).isEqualTo(259);
        assertThat(HostDevices.minor(dev)).isEqualTo(65536 + 7);
    }
}
