package io.jcri.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Facts about this build of jcri, filtered into {@code build.properties} by Maven. */
public final class BuildInfo {
    /** The CRI {@code VersionResponse.version}: kubelet refuses any other value. */
    public static final String KUBELET_API_VERSION = "0.1.0";
    public static final String RUNTIME_NAME = "jcri";
    public static final String RUNTIME_API_VERSION = "v1";

    private static final String VERSION = load();

    private BuildInfo() {
    }

    /** The version of jcri itself, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String version() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
