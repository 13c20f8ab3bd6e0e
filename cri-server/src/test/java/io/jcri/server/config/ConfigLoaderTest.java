package io.jcri.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void defaultsNeedNoFile() {
        JcriConfig c = new JcriConfig();
        c.validate();
        assertThat(c.rootDir()).isEqualTo(Path.of("/var/lib/jcri"));
        assertThat(c.stateDir()).isEqualTo(Path.of("/run/jcri"));
        assertThat(c.socket()).isEqualTo(Path.of("/run/jcri/jcri.sock"));
        assertThat(c.logLevel()).isEqualTo(LogLevel.INFO);
        assertThat(c.cgroup().driver()).isEqualTo(CgroupDriverName.CGROUPFS);
    }

    @Test
    void fileOverridesDefaultsAndKeepsTheRest() throws Exception {
        Path file = write("""
                # a partial file
                root_dir = "/srv/jcri"
                log_level = "debug"

                [cgroup]
                driver = "systemd"
                """);
        JcriConfig c = ConfigLoader.load(CommandLine.parse("--config", file.toString()));
        assertThat(c.rootDir()).isEqualTo(Path.of("/srv/jcri"));
        assertThat(c.logLevel()).isEqualTo(LogLevel.DEBUG);
        assertThat(c.cgroup().driver()).isEqualTo(CgroupDriverName.SYSTEMD);
        assertThat(c.stateDir()).isEqualTo(Path.of("/run/jcri"));
        assertThat(c.socket()).isEqualTo(Path.of("/run/jcri/jcri.sock"));
    }

    @Test
    void flagsOverrideTheFile() throws Exception {
        Path file = write("""
                root_dir = "/srv/jcri"
                socket = "/srv/jcri.sock"
                log_level = "error"
                """);
        JcriConfig c = ConfigLoader.load(CommandLine.parse("--config", file.toString(), "--root", "/data/jcri",
                "--socket=/tmp/x.sock", "--state", "/run/other", "--log-level", "warn"));
        assertThat(c.rootDir()).isEqualTo(Path.of("/data/jcri"));
        assertThat(c.socket()).isEqualTo(Path.of("/tmp/x.sock"));
        assertThat(c.stateDir()).isEqualTo(Path.of("/run/other"));
        assertThat(c.logLevel()).isEqualTo(LogLevel.WARN);
    }

    @Test
    void unknownSettingNamesItsLineAndTheKnownOnes() throws Exception {
        Path file = write("""
                root_dir = "/srv/jcri"

                sokcet = "/tmp/x.sock"
                """);
        assertThatThrownBy(() -> ConfigLoader.load(CommandLine.parse("--config", file.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(file + " line 3")
                .hasMessageContaining("unknown setting 'sokcet'")
                .hasMessageContaining("socket");
    }

    @Test
    void unknownSettingInASectionNamesTheSection() throws Exception {
        Path file = write("""
                [cgroup]
                drivr = "systemd"
                """);
        assertThatThrownBy(() -> ConfigLoader.load(CommandLine.parse("--config", file.toString())))
                .hasMessageContaining("line 2")
                .hasMessageContaining("'drivr' in [cgroup]");
    }

    @Test
    void badValueNamesTheLineAndWhatIsAllowed() throws Exception {
        Path file = write("""
                log_level = "info"
                [cgroup]
                driver = "cgroupv3"
                """);
        assertThatThrownBy(() -> ConfigLoader.load(CommandLine.parse("--config", file.toString())))
                .hasMessageContaining("line 3")
                .hasMessageContaining("cgroupv3")
                .hasMessageContaining("cgroupfs");
    }

    @Test
    void brokenTomlNamesTheLine() throws Exception {
        Path file = write("""
                root_dir = "/srv/jcri"
                log_level = "debug
                """);
        assertThatThrownBy(() -> ConfigLoader.load(CommandLine.parse("--config", file.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(file + " line 2");
    }

    @Test
    void wrongTypeNamesTheSetting() throws Exception {
        Path file = write("shutdown_grace_seconds = \"soon\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(CommandLine.parse("--config", file.toString())))
                .hasMessageContaining("line 1")
                .hasMessageContaining("shutdown_grace_seconds");
    }

    @Test
    void relativePathsAreRefused() throws Exception {
        Path file = write("root_dir = \"var/lib/jcri\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(CommandLine.parse("--config", file.toString())))
                .hasMessageContaining("root_dir must be an absolute path");
    }

    @Test
    void missingConfigFileIsAClearError() {
        assertThatThrownBy(() -> ConfigLoader.load(CommandLine.parse("--config", dir.resolve("nope.toml")
                .toString())))
                .hasMessageContaining("nope.toml does not exist");
    }

    @Test
    void commandLineErrorsAreClear() {
        assertThatThrownBy(() -> CommandLine.parse("--root")).hasMessageContaining("--root needs a value");
        assertThatThrownBy(() -> CommandLine.parse("--frobnicate")).hasMessageContaining("unknown option");
        assertThatThrownBy(() -> CommandLine.parse("--log-level", "loud")).hasMessageContaining("loud");
        assertThat(CommandLine.parse("--help").help()).isTrue();
        assertThat(CommandLine.parse("--version").version()).isTrue();
    }

    private Path write(String toml) throws Exception {
        Path file = dir.resolve("jcri.toml");
        Files.writeString(file, toml);
        return file;
    }
}
