package io.jcri.e2e.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The daemon configuration the e2e fixtures and the bench start jcri with: the test registry over plain HTTP and
 * the test's own CNI configuration directory, plus whatever TOML a fixture adds.
 */
public final class JcriConfigFile {
    private JcriConfigFile() {}

    /** Writes {@code base/jcri.toml} and returns its path. */
    public static Path write(Path base, String registryHost, Path cniConfDir) throws IOException {
        return write(base, registryHost, cniConfDir, "");
    }

    /** @param extraToml more tables, appended as they are (e.g. a {@code [streaming]} table) */
    public static Path write(Path base, String registryHost, Path cniConfDir, String extraToml) throws IOException {
        Path config = base.resolve("jcri.toml");
        Files.writeString(config, """
                [registries."%s"]
                plain_http = true

                [cni]
                conf_dir = "%s"
                """.formatted(registryHost, cniConfDir) + (extraToml.isEmpty() ? "" : "\n" + extraToml));
        return config;
    }
}
