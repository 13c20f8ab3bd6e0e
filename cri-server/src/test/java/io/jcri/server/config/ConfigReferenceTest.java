package io.jcri.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The operator's documentation of the configuration is generated from, and checked against, the classes. */
class ConfigReferenceTest {
    static final Path DOC = Path.of("../docs/configuration.md");
    static final Path DEFAULT_TOML = Path.of("../deploy/jcri.toml");
    static final String REGENERATE = " is stale: run `java -cp cri-server/target/jcri.jar "
            + "io.jcri.server.config.ConfigReference %s > %s` and commit it";

    @Test
    void everySettingIsDocumented() {
        // entries() throws if any config field lacks @Setting
        assertThat(ConfigReference.entries()).extracting(ConfigReference.Entry::key)
                .contains("root_dir", "socket", "driver", "conf_dir", "mirrors", "address");
        assertThat(ConfigReference.entries()).allSatisfy(e -> assertThat(e.description()).isNotBlank());
    }

    @Test
    void theReferenceDocumentMatchesTheClasses() throws Exception {
        assertThat(Files.readString(DOC)).as(DOC + REGENERATE.formatted("markdown", "docs/configuration.md"))
                .isEqualTo(ConfigReference.markdown());
    }

    @Test
    void theDefaultConfigFileMatchesTheClassesAndLoadsToTheDefaults() throws Exception {
        assertThat(Files.readString(DEFAULT_TOML)).as(DEFAULT_TOML + REGENERATE.formatted("toml", "deploy/jcri.toml"))
                .isEqualTo(ConfigReference.toml());
        JcriConfig parsed = ConfigLoader.parse(DEFAULT_TOML);
        JcriConfig defaults = new JcriConfig();
        assertThat(parsed.rootDir()).isEqualTo(defaults.rootDir());
        assertThat(parsed.socket()).isEqualTo(defaults.socket());
        assertThat(parsed.cni().binDirs()).isEqualTo(defaults.cni().binDirs());
        assertThat(parsed.metrics().address()).isEqualTo(defaults.metrics().address());
        assertThat(parsed.registries()).isEmpty();
    }
}
