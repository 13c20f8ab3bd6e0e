package io.jcri.server.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs one CNI plugin binary as the spec says: the command and its parameters in the environment, the
 * network configuration on stdin, the result or a structured error on stdout.
 */
final class CniPluginExec {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Drains plugin output; blocking reads must not sit in the small common fork-join pool. */
    private static final ExecutorService DRAINS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "jcri-cni-output");
        t.setDaemon(true);
        return t;
    });

    private final Duration timeout;

    CniPluginExec(Duration timeout) {
        this.timeout = timeout;
    }

    /** Runs {@code plugin}; returns its stdout parsed as JSON (null when it printed nothing, as DEL may). */
    ObjectNode run(Path plugin, String command, Map<String, String> env, ObjectNode stdinConfig, Runnable started) {
        ProcessBuilder pb = new ProcessBuilder(plugin.toString());
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        pb.redirectErrorStream(false);
        Process p;
        try {
            pb.environment().putAll(env);
            pb.environment().put("CNI_COMMAND", command);
            p = pb.start();
        } catch (IOException | IllegalArgumentException e) {
            // E2BIG for oversized CNI_ARGS, or a NUL in them: the plugin never ran
            throw new CniException("cannot run CNI plugin " + plugin.getFileName() + " " + command + ": "
                    + io.jcri.server.grpc.Quoted.message(e.getMessage()), e);
        }
        started.run();
        try {
            CompletableFuture<byte[]> stdout = drain(p.getInputStream());
            CompletableFuture<byte[]> stderr = drain(p.getErrorStream());
            try (OutputStream in = p.getOutputStream()) {
                in.write(JSON.writeValueAsBytes(stdinConfig));
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new CniException("CNI plugin " + plugin.getFileName() + " " + command + " timed out after "
                        + timeout);
            }
            String out = new String(stdout.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8).trim();
            String err = new String(stderr.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0) {
                throw new CniException("CNI plugin " + plugin.getFileName() + " " + command + " failed: "
                        + describeError(out, err, p.exitValue()));
            }
            if (out.isEmpty()) {
                return null;
            }
            JsonNode node = JSON.readTree(out);
            if (!(node instanceof ObjectNode obj)) {
                throw new CniException("CNI plugin " + plugin.getFileName() + " " + command
                        + " printed something that is not a JSON object: " + out);
            }
            return obj;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CniException("interrupted while running CNI plugin " + plugin, e);
        } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            p.destroyForcibly();
            throw new CniException("CNI plugin " + plugin.getFileName() + " " + command + ": " + e.getMessage(), e);
        }
    }

    private static String describeError(String out, String err, int exit) {
        try {
            JsonNode e = JSON.readTree(out);
            if (e != null && e.has("msg")) {
                String details = e.path("details").asText("");
                return "code " + e.path("code").asInt() + ": " + e.path("msg").asText()
                        + (details.isEmpty() ? "" : " (" + details + ")");
            }
        } catch (IOException ignored) {
            // not a structured error: fall through to the raw output
        }
        String text = !out.isEmpty() ? out : err;
        return "exit " + exit + (text.isEmpty() ? "" : ": " + text);
    }

    private static CompletableFuture<byte[]> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                in.transferTo(buf);
                return buf.toByteArray();
            } catch (IOException e) {
                return new byte[0];
            }
        }, DRAINS);
    }
}
