package io.jcri.server.network;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs host tools (ip, iptables) for tests and fails loudly with their output. */
final class HostCommands {
    private HostCommands() {
    }

    static String run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(List.of(cmd) + " timed out");
            }
            if (p.exitValue() != 0) {
                throw new AssertionError(List.of(cmd) + " exited " + p.exitValue() + ": " + out);
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError(List.of(cmd) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static void quietly(String... cmd) {
        try {
            run(cmd);
        } catch (AssertionError ignored) {
            // best-effort cleanup
        }
    }
}
