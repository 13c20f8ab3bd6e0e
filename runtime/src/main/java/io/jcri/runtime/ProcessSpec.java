package io.jcri.runtime;

import java.nio.file.Path;
import java.util.List;

/**
 * The process to run: argv, environment, working directory and stdio.
 *
 * <p>Stdio: with {@code tty} a pty pair is made (the container gets the slave as 0-2, the caller the master).
 * Otherwise stdin is a pipe when {@code stdin} is true (else /dev/null); stdout/stderr go to the given files
 * (opened for append, created if missing) or, when null, to pipes whose read ends the caller gets.
 *
 * @param stdinOnce CRI stdin_once: the runtime keeps no copy of the stdin write end once the caller closed it,
 *                  so closing it is the process's EOF. Without it a container's stdin stays open for its whole
 *                  life (a FIFO the container also holds for writing, which survives a daemon restart): closing
 *                  the caller's end delivers no EOF, as with containerd and CRI-O.
 */
public record ProcessSpec(List<String> args, List<String> env, String cwd, boolean tty, boolean stdin,
                          boolean stdinOnce, Path stdoutFile, Path stderrFile) {
    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public ProcessSpec {
        if (args == null || args.isEmpty()) throw new IllegalArgumentException("args must not be empty");
        args = List.copyOf(args);
        env = env == null ? List.of() : List.copyOf(env);
        if (cwd == null || cwd.isEmpty()) cwd = "/";
    }

    public static ProcessSpec of(String... args) {
        return new ProcessSpec(List.of(args), List.of("PATH=" + DEFAULT_PATH), "/", false, false, false, null, null);
    }

    public ProcessSpec withStdio(Path stdout, Path stderr) {
        return new ProcessSpec(args, env, cwd, tty, stdin, stdinOnce, stdout, stderr);
    }

    public ProcessSpec withTty(boolean tty, boolean stdin) {
        return new ProcessSpec(args, env, cwd, tty, stdin, stdinOnce, stdoutFile, stderrFile);
    }

    public ProcessSpec withEnv(List<String> env) {
        return new ProcessSpec(args, env, cwd, tty, stdin, stdinOnce, stdoutFile, stderrFile);
    }

    public ProcessSpec withCwd(String cwd) {
        return new ProcessSpec(args, env, cwd, tty, stdin, stdinOnce, stdoutFile, stderrFile);
    }

    /** The PATH the entrypoint is looked up in. */
    String path() {
        for (String e : env) if (e.startsWith("PATH=")) return e.substring(5);
        return DEFAULT_PATH;
    }
}
