package io.jcri.runtime.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Child processes for cgroup tests, each ended by pid when the test is done. */
final class RealProcesses implements AutoCloseable {
    private final List<Process> started = new ArrayList<>();

    static String uniqueParent() {
        return "jcri-cgtest-" + UUID.randomUUID().toString().substring(0, 8);
    }

    Process start(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        started.add(process);
        return process;
    }

    /** Starts the command from a fresh thread that was first put into {@code cgroup} with addCurrentThread. */
    Process startFromThreadIn(Cgroup cgroup, String... command) throws Exception {
        Process[] result = new Process[1];
        Exception[] failure = new Exception[1];
        Thread launcher = new Thread(() -> {
            try {
                cgroup.addCurrentThread();
                result[0] = start(command);
            } catch (Exception e) {
                failure[0] = e;
            }
        }, "cgroup-launcher");
        launcher.start();
        launcher.join(TimeUnit.SECONDS.toMillis(30));
        if (failure[0] != null) {
            throw failure[0];
        }
        returnStrayJvmThreads();
        return result[0];
    }

    /**
     * Threads the launcher created while it was in the container cgroup inherited it: ProcessBuilder starts a
     * "process reaper" thread per child. Put every such thread of this JVM back where the calling thread is.
     */
    static void returnStrayJvmThreads() throws IOException {
        Map<String, Path> mounts = CgroupMounts.ofThisProcess().v1();
        List<String> home = Files.readAllLines(Path.of("/proc/thread-self/cgroup"));
        String homeMemory = memoryPath(home);
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                List<String> cgroups;
                try {
                    cgroups = Files.readAllLines(task.resolve("cgroup"));
                } catch (NoSuchFileException e) {
                    continue;
                }
                if (homeMemory.equals(memoryPath(cgroups))) {
                    continue;
                }
                for (String line : home) {
                    String[] fields = line.split(":", 3);
                    Path mount = mounts.get(fields[1].split(",")[0]);
                    if (mount != null) {
                        try {
                            Files.writeString(mount.resolve(fields[2].substring(1)).resolve("tasks"),
                                    task.getFileName().toString());
                        } catch (IOException gone) {
                            if (Files.exists(task)) {
                                throw gone;
                            } // the thread ended meanwhile (ESRCH)
                        }
                    }
                }
            }
        }
    }

    private static String memoryPath(List<String> cgroupLines) {
        return cgroupLines.stream().filter(l -> l.split(":", 3)[1].equals("memory")).findFirst().orElse("");
    }

    /** Lines of /proc/PID/cgroup, e.g. "4:memory:/jcri-test-1/c". */
    static List<String> cgroupsOf(long pid) throws IOException {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"));
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    static boolean exitsWithin(Process process, long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        for (Process process : started) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
