package io.jcri.runtime.supervise;

import io.jcri.runtime.sys.AssembledSource;
import io.jcri.runtime.sys.Native;
import io.jcri.runtime.sys.ProcStat;
import io.jcri.runtime.sys.StaticElf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The real jcri-subreaper binary, with a shell script standing in for the daemon. */
class SubreaperElfTest {
    private static final int SIGHUP = 1, SIGTERM = 15;

    @TempDir
    Path tmp;

    @Test
    void bytesAreTheAssembledSource() throws Exception {
        assertThat(StaticElf.hex(SubreaperElf.CODE_HEX)).isEqualTo(AssembledSource.text("subreaper.S", tmp));
        assertThat(SubreaperElf.image()).hasSize(1042);
    }

    @Test
    void recordsOrphansRestartsAKilledDaemonAndForwardsStopSignals() throws Exception {
        Path binary = tmp.resolve("jcri-subreaper"), log = tmp.resolve("exits.log"), fifo = tmp.resolve("fifo");
        SubreaperElf.write(binary);
        Native.check(Native.C.mkfifo(fifo.toString(), 0600), "mkfifo " + fifo);
        // first run: leaves an orphan blocked on the FIFO and dies of SIGKILL, as a crashing daemon would;
        // later runs: a long-lived "daemon"
        String script = """
                echo $$ >> %1$s/runs
                if [ -e %1$s/crashed ]; then exec sleep 3600; fi
                touch %1$s/crashed
                (read x < %1$s/fifo; exit 5) &
                echo $! > %1$s/orphan
                kill -KILL $$
                """.formatted(tmp);
        Process sup = new ProcessBuilder(binary.toString(), log.toString(), "/bin/sh", "-c", script)
                .redirectErrorStream(true).redirectOutput(tmp.resolve("out").toFile()).start();
        List<Long> started = new ArrayList<>();
        try {
            await(() -> lines(tmp.resolve("runs")).size() == 2, "the killed program to be started again");
            long orphan = Long.parseLong(Files.readString(tmp.resolve("orphan")).trim());
            long second = Long.parseLong(lines(tmp.resolve("runs")).get(1));
            started.add(orphan);
            started.add(second);
            // the front (a service manager's main process) runs the keeper, the subreaper and the daemon's parent
            String keeper = Long.toString(sup.children().findFirst().orElseThrow().pid());
            assertThat(status(orphan, "PPid")).as("reparented to the keeper").isEqualTo(keeper);
            assertThat(status(second, "PPid")).isEqualTo(keeper);
            assertThat(status(Long.parseLong(keeper), "PPid")).isEqualTo(Long.toString(sup.pid()));
            // the daemon gets none of the subreaper's fds and no blocked signals
            try (Stream<Path> fds = Files.list(Path.of("/proc/" + second + "/fd"))) {
                assertThat(fds.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("0", "1", "2");
            }
            assertThat(status(second, "SigBlk")).isEqualTo("0000000000000000");

            long startTicks = ProcStat.startTime(orphan);
            Files.writeString(fifo, "go\n");
            ExitLog exits = new ExitLog(log);
            await(() -> exits.read().stream().anyMatch(e -> e.pid() == orphan), "the orphan's exit record");
            assertThat(exits.read()).singleElement().satisfies(e -> {
                assertThat(e.code()).isEqualTo(5);
                assertThat(e.signal()).isZero();
            });
            assertThat(exits.find(orphan, startTicks)).hasValueSatisfying(e -> assertThat(e.code()).isEqualTo(5));
            assertThat(exits.find(orphan, startTicks + 100L * 3600)).as("a later process with that pid").isEmpty();

            // SIGHUP: restart in place (SIGTERM to the daemon, started again at once)
            assertThat(Native.C.kill((int) sup.pid(), SIGHUP)).isZero();
            await(() -> lines(tmp.resolve("runs")).size() == 3, "the restart asked for by SIGHUP");
            long third = Long.parseLong(lines(tmp.resolve("runs")).get(2));
            started.add(third);
            await(() -> !Files.exists(Path.of("/proc/" + second)), "the previous daemon to be gone");

            // SIGTERM: forwarded; the daemon dies of it and the subreaper exits with 128+15
            assertThat(Native.C.kill((int) sup.pid(), SIGTERM)).isZero();
            assertThat(sup.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(sup.exitValue()).isEqualTo(143);
            assertThat(Files.exists(Path.of("/proc/" + third))).isFalse();
        } finally {
            sup.children().forEach(ProcessHandle::destroyForcibly);
            sup.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            for (long pid : started) Native.C.kill((int) pid, 9);
        }
    }

    /**
     * A stop (systemctl stop: SIGTERM to the main process) while containers run: the front exits with the
     * daemon's status at once, so the unit stops, and the keeper stays until its last orphan has ended, recording
     * that exit (before, the subreaper exited with the daemon and the orphan went to PID 1, its status lost).
     */
    @Test
    void aStopLeavesTheKeeperUntilTheLastOrphanEndedAndRecordsIt() throws Exception {
        Path binary = tmp.resolve("jcri-subreaper"), log = tmp.resolve("exits.log"), fifo = tmp.resolve("fifo");
        SubreaperElf.write(binary);
        Native.check(Native.C.mkfifo(fifo.toString(), 0600), "mkfifo " + fifo);
        String script = """
                (read x < %1$s/fifo; exit 6) &
                echo $! > %1$s/orphan
                trap 'exit 0' TERM
                while :; do sleep 0.05; done
                """.formatted(tmp);
        Process sup = new ProcessBuilder(binary.toString(), log.toString(), "/bin/sh", "-c", script)
                .redirectErrorStream(true).redirectOutput(tmp.resolve("out").toFile()).start();
        long orphan = 0;
        ProcessHandle keeper = null;
        try {
            await(() -> Files.exists(tmp.resolve("orphan")) && lines(tmp.resolve("orphan")).size() == 1,
                    "the orphan-to-be");
            orphan = Long.parseLong(lines(tmp.resolve("orphan")).get(0).trim());
            keeper = sup.children().findFirst().orElseThrow();
            long startTicks = ProcStat.startTime(orphan);

            assertThat(Native.C.kill((int) sup.pid(), SIGTERM)).isZero();
            assertThat(sup.waitFor(30, TimeUnit.SECONDS)).as("the front ends with the daemon").isTrue();
            assertThat(sup.exitValue()).isZero();
            long o = orphan;
            ProcessHandle k = keeper;
            await(() -> {
                try {
                    return status(o, "PPid").equals(Long.toString(k.pid()));
                } catch (IOException e) {
                    return false;
                }
            }, "the orphan to be the keeper's");
            assertThat(keeper.isAlive()).as("the keeper stays while a child runs").isTrue();

            Files.writeString(fifo, "go\n");
            assertThat(keeper.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
            assertThat(new ExitLog(log).find(orphan, startTicks))
                    .hasValueSatisfying(e -> assertThat(e.code()).isEqualTo(6));
        } finally {
            if (keeper != null) keeper.destroyForcibly();
            sup.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            if (orphan > 0) Native.C.kill((int) orphan, 9);
        }
    }

    @Test
    void endsWithTheExitCodeOfADaemonThatExitsByItself() throws Exception {
        Path binary = tmp.resolve("jcri-subreaper");
        SubreaperElf.write(binary);
        Process sup = new ProcessBuilder(binary.toString(), tmp.resolve("exits.log").toString(), "/bin/sh", "-c",
                "exit 3").start();
        assertThat(sup.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(sup.exitValue()).isEqualTo(3);
        Process usage = new ProcessBuilder(binary.toString()).start();
        assertThat(usage.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(usage.exitValue()).isEqualTo(2);
        Process missing = new ProcessBuilder(binary.toString(), tmp.resolve("exits.log").toString(),
                tmp.resolve("no-such-program").toString()).start();
        assertThat(missing.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(missing.exitValue()).as("exec failed in the child").isEqualTo(127);
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p).stream().filter(l -> !l.isBlank()).toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String status(long pid, String field) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(l -> l.startsWith(field + ":")).findFirst().orElseThrow()
                .substring(field.length() + 1).trim();
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting for " + what).isLessThan(deadline);
            try {
                Thread.sleep(10); // polling interval of a condition with a deadline, not a synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
