package io.jcri.e2e.streaming;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The spdystream-based client ({@code e2e/src/test/go/src/jcri.io/spdyclient}), built once per test JVM into
 * {@code target/go} with Debian's Go in GOPATH mode against Debian's spdystream source (no network), and run
 * per session: flags and URL in, our stdin to its stdin, its stdout, stderr and exit code out.
 */
final class GoSpdyClient {
    static final Path SOURCE = Path.of(System.getProperty("user.dir"), "src/test/go");
    static final Path OUT = Path.of(System.getProperty("user.dir"), "target/go");
    static final Path GOCODE = Path.of("/usr/share/gocode");
    private static final Path SPDYSTREAM = GOCODE.resolve("src/github.com/moby/spdystream");
    /** The client's own exit codes (see main.go); anything else is the remote command's. */
    static final int PROTOCOL_ERROR = 120;
    static final int FAILURE = 121;
    static final int TIMED_OUT = 124;

    private static Path binary;

    /** What one run printed; {@code notes} are its {@code -v} lines ("spdyclient: ..."), removed from stderr. */
    record Result(int exit, String stdout, String stderr, List<String> notes) {
        String protocol() {
            return notes.stream().filter(n -> n.startsWith("protocol ")).map(n -> n.substring(9)).findFirst()
                    .orElse("");
        }

        @Override
        public String toString() {
            return "exit " + exit + ", stdout " + quote(stdout) + ", stderr " + quote(stderr) + ", notes " + notes;
        }

        private static String quote(String s) {
            String shown = s.length() > 300 ? s.substring(0, 300) + "... (" + s.length() + " chars)" : s;
            return "\"" + shown.replace("\r", "\\r").replace("\n", "\\n") + "\"";
        }
    }

    private GoSpdyClient() {
    }

    static synchronized Path binary() {
        if (binary != null) {
            return binary;
        }
        if (!Files.isDirectory(SPDYSTREAM)) {
            throw new IllegalStateException(SPDYSTREAM + " missing: apt-get install golang-go"
                    + " golang-github-docker-spdystream-dev (e2e/test-packages.txt)");
        }
        Path out = OUT.resolve("spdyclient");
        try {
            Files.createDirectories(OUT);
            ProcessBuilder pb = new ProcessBuilder("go", "build", "-o", out.toString(), "jcri.io/spdyclient")
                    .redirectErrorStream(true);
            pb.environment().put("GO111MODULE", "off");
            pb.environment().put("GOPATH", SOURCE + ":" + GOCODE);
            pb.environment().put("GOCACHE", OUT.resolve("cache").toString());
            pb.environment().put("GOFLAGS", "");
            pb.environment().put("GOPROXY", "off");
            pb.environment().put("CGO_ENABLED", "0");
            pb.environment().put("PATH", "/usr/lib/go/bin:" + System.getenv("PATH"));
            Process p = pb.start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("go build of the spdystream client failed:\n" + log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("go build of the spdystream client: is golang-go installed?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        binary = out;
        return out;
    }

    /** Runs the client with {@code args} (flags, then the kind and URL), feeding {@code stdin} and closing it. */
    static Result run(String stdin, List<String> args, Duration timeout) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary().toString());
        cmd.add("-v");
        cmd.add("-timeout=" + timeout.toSeconds() + "s");
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).start();
        CompletableFuture<byte[]> out = drain(p.getInputStream());
        CompletableFuture<byte[]> err = drain(p.getErrorStream());
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the client may exit before reading its stdin (a failed upgrade); its result says why
        }
        if (!p.waitFor(timeout.toSeconds() + 10, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            throw new IllegalStateException("spdyclient " + args + " did not end within " + timeout);
        }
        String stderr = new String(err.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8);
        List<String> notes = stderr.lines().filter(l -> l.startsWith("spdyclient: "))
                .map(l -> l.substring(12)).toList();
        String rest = stderr.lines().filter(l -> !l.startsWith("spdyclient: "))
                .map(l -> l + "\n").collect(Collectors.joining());
        if (!stderr.isEmpty() && !stderr.endsWith("\n") && !rest.isEmpty()) {
            rest = rest.substring(0, rest.length() - 1);
        }
        return new Result(p.exitValue(), new String(out.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8), rest,
                notes);
    }

    private static CompletableFuture<byte[]> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (in) {
                in.transferTo(b);
            } catch (IOException e) {
                // the process ended
            }
            return b.toByteArray();
        });
    }
}
