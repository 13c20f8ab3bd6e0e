package io.jcri.server.network;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Finds plugin executables by type in the configured bin dirs, first match wins (CNI_PATH order). */
public final class CniPluginLocator {
    private final List<Path> binDirs;

    public CniPluginLocator(List<Path> binDirs) {
        this.binDirs = List.copyOf(binDirs);
    }

    public Optional<Path> find(String type) {
        if (type.isEmpty() || type.contains("/") || type.equals(".") || type.equals("..")) {
            return Optional.empty();
        }
        for (Path dir : binDirs) {
            Path candidate = dir.resolve(type);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    public Path require(String type) {
        return find(type).orElseThrow(() -> new CniException("CNI plugin \"" + type + "\" not found in "
                + binDirs));
    }

    /** The {@code CNI_PATH} environment value. */
    public String cniPath() {
        return binDirs.stream().map(Path::toString).collect(Collectors.joining(":"));
    }

    public List<Path> binDirs() {
        return binDirs;
    }
}
