package io.jcri.runtime;

import io.jcri.runtime.cgroup.CgroupDriver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A throwaway "daemon" for {@link DaemonRestartTest}, run under jcri-subreaper: starts a ticker (exits 42 on
 * SIGTERM) and a quitter (exits 7 once /tmp/go exists in it), prints READY with their pids, then waits to be
 * killed with SIGKILL. Started again by the subreaper, it finds its marker file and only idles (the test plays
 * the new daemon). Args: rootDir stateDir cgroupParent layer tickerId quitterId forceProcFallback marker
 * echoerId.
 */
public final class DaemonProbe {
    public static void main(String[] args) throws Exception {
        Path marker = Path.of(args[7]);
        if (Files.exists(marker)) {
            Thread.sleep(Long.MAX_VALUE);
        }
        Files.writeString(marker, "");
        ContainerRuntime rt = new ContainerRuntime(new RuntimeOptions(Path.of(args[0]), Path.of(args[1]),
                Boolean.parseBoolean(args[6]), CgroupDriver.CGROUPFS, args[2]));
        List<Path> layers = List.of(Path.of(args[3]));
        ContainerSpec ticker = ContainerSpec.of(args[4], layers, ProcessSpec.of("sh", "-c",
                "trap 'exit 42' TERM; while :; do echo tick; sleep 0.05; done"));
        ContainerSpec quitter = ContainerSpec.of(args[5], layers, ProcessSpec.of("sh", "-c",
                "while [ ! -e /tmp/go ]; do sleep 0.02; done; exit 7"));
        // stdin kept open (no stdin_once): answers every line it reads, before and after the daemon's death
        ContainerSpec echoer = ContainerSpec.of(args[8], layers, new ProcessSpec(List.of("sh", "-c",
                "while read l; do echo got-$l; done; echo stdin-closed"), List.of("PATH=" + ProcessSpec.DEFAULT_PATH), "/",
                false, true, false, null, null));
        for (ContainerSpec spec : List.of(ticker, quitter, echoer)) {
            rt.create(spec);
            rt.start(spec.id()).close(); // nobody reads: the output waits in the stdout FIFO
        }
        System.out.println("READY " + rt.state(ticker.id()).pid() + " " + rt.state(quitter.id()).pid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
