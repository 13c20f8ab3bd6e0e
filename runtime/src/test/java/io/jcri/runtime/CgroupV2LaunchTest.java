package io.jcri.runtime;

import io.jcri.runtime.cgroup.CgroupDriver;
import io.jcri.runtime.cgroup.CgroupManager;
import io.jcri.runtime.cgroup.CgroupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * cgroup v2 membership through the gate (a thread cannot join a v2 domain cgroup): on this hybrid host the
 * runtime is pointed at the unified hierarchy (mounted without controllers, but membership, cgroup.kill and
 * removal are real). The container prints its own cgroup as its first action: it must already be inside.
 */
class CgroupV2LaunchTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "fallback /proc: {0}")
    @ValueSource(booleans = {false, true})
    void childIsInItsV2CgroupBeforeUserCode(boolean fallback) throws Exception {
        Path unified = Path.of("/sys/fs/cgroup/unified");
        assumeTrue(Files.isWritable(unified.resolve("cgroup.procs")), "no writable cgroup2 hierarchy");
        CgroupManager v2 = new CgroupManager(CgroupMode.V2, CgroupDriver.CGROUPFS, Map.of(), unified);
        try (RuntimeFixture f = new RuntimeFixture(tmp, fallback, v2)) {
            String id = f.newId();
            Path out = tmp.resolve(id + ".out");
            ContainerState s = f.run(f.spec(id, "sh", "-c", "cat /proc/self/cgroup; echo done; exec sleep 1000")
                    .withProcess(ProcessSpec.of("sh", "-c", "grep '^0::' /proc/self/cgroup; echo done; exec sleep 1000")
                            .withStdio(out, out)));
            String expected = "0::/" + f.cgroupParent + "/" + id;
            assertThat(Host.waitForFile(out, "done", Duration.ofSeconds(10))).startsWith(expected + "\n");
            assertThat(Host.read(Path.of("/proc/" + s.pid() + "/cgroup"))).contains(expected);
            ExecResult r = f.runtime.execSync(id, ProcessSpec.of("grep", "^0::", "/proc/self/cgroup"),
                    Duration.ofSeconds(10));
            assertThat(new String(r.stdout()).trim()).isEqualTo(expected);
            assertThat(Host.read(unified.resolve(f.cgroupParent).resolve(id).resolve("cgroup.procs")).trim())
                    .isEqualTo(Long.toString(s.pid()));
            assertThat(f.runtime.stop(id, Duration.ofMillis(100), 15).exitCode()).isEqualTo(137);
            f.runtime.delete(id);
            assertThat(unified.resolve(f.cgroupParent).resolve(id)).doesNotExist();
        }
    }
}
