package io.jcri.runtime;

import io.jcri.runtime.cgroup.CgroupDriver;

import java.nio.file.Path;
import java.util.List;

/**
 * A throwaway "daemon" for {@link DaemonRestartTest}: starts one container, prints READY with its pid, then waits
 * to be killed with SIGKILL. Args: rootDir stateDir cgroupParent layer id.
 */
public final class DaemonProbe {
    public static void main(String[] args) throws Exception {
        ContainerRuntime rt = new ContainerRuntime(new RuntimeOptions(Path.of(args[0]), Path.of(args[1]), false,
                CgroupDriver.CGROUPFS, args[2]));
        ContainerSpec spec = ContainerSpec.of(args[4], List.of(Path.of(args[3])), ProcessSpec.of("sh", "-c",
                "trap 'exit 42' TERM; while :; do echo tick; sleep 0.05; done"));
        rt.create(spec);
        rt.start(spec.id()).close(); // nobody reads: the output waits in the stdout FIFO
        System.out.println("READY " + rt.state(spec.id()).pid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
