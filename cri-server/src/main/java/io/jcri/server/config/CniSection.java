package io.jcri.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The {@code [cni]} section: pod networking through CNI plugins. */
public final class CniSection {
    @Setting("Directory with the pod network config (.conflist, .conf or .json); the first valid file in lexical"
            + " order is used.")
    @JsonProperty("conf_dir")
    private String confDir = "/etc/cni/net.d";

    @Setting("Directories searched for CNI plugin binaries, in order (Debian installs them in /usr/lib/cni).")
    @JsonProperty("bin_dirs")
    private List<String> binDirs = new ArrayList<>(List.of("/opt/cni/bin", "/usr/lib/cni"));

    @Setting("Seconds a CNI plugin may run before it is killed and the operation fails.")
    @JsonProperty("plugin_timeout_seconds")
    private int pluginTimeoutSeconds = 60;

    public Path confDir() {
        return Path.of(confDir);
    }

    public List<Path> binDirs() {
        return binDirs.stream().map(Path::of).toList();
    }

    public int pluginTimeoutSeconds() {
        return pluginTimeoutSeconds;
    }
}
