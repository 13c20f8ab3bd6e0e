package io.jcri.runtime.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A directory tree laid out like a cgroup2 mount, with the control files the kernel would show. */
final class FakeCgroupfs {
    static final List<String> LEAF_FILES = List.of("cgroup.procs", "cgroup.kill", "cgroup.freeze",
            "cgroup.events", "cpu.weight", "cpu.max", "cpu.stat", "cpuset.cpus", "cpuset.mems", "memory.max",
            "memory.swap.max", "memory.current", "memory.stat", "memory.events", "pids.max", "pids.current",
            "hugetlb.2MB.max", "hugetlb.1GB.max", "io.max");

    private FakeCgroupfs() {
    }

    static void cgroup(Path dir, String controllers) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("cgroup.controllers"), controllers);
        Files.writeString(dir.resolve("cgroup.subtree_control"), "");
        for (String file : LEAF_FILES) {
            Files.writeString(dir.resolve(file), "");
        }
    }
}
