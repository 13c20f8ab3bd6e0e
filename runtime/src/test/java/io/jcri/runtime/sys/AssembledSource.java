package io.jcri.runtime.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The machine code of one of the runtime's assembly sources ({@code src/main/asm}), assembled with binutils'
 * {@code as} and cut out with {@code objcopy}: what the Java classes holding the bytes must equal.
 */
public final class AssembledSource {
    private AssembledSource() {}

    public static byte[] text(String source, Path workDir) throws IOException, InterruptedException {
        Path object = workDir.resolve(source + ".o"), text = workDir.resolve(source + ".bin");
        run("as", "-o", object.toString(), Path.of("src/main/asm", source).toAbsolutePath().toString());
        run("objcopy", "-O", "binary", "-j", ".text", object.toString(), text.toString());
        return Files.readAllBytes(text);
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
    }
}
