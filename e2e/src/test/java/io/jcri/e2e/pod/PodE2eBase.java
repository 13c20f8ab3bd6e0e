package io.jcri.e2e.pod;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** One {@link PodFixture} (daemon, registry, CNI bridge) per test class, and a client for it. */
abstract class PodE2eBase {
    @TempDir
    static Path base;
    static PodFixture fx;
    static PodClient c;

    @BeforeAll
    static void startFixture() throws Exception {
        fx = new PodFixture(base);
        c = new PodClient(fx);
    }

    @AfterAll
    static void stopFixture() {
        if (fx != null) {
            fx.close();
            fx = null;
        }
    }
}
