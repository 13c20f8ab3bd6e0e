package io.jcri.e2e.differential;

import io.jcri.cri.v1.Capability;
import io.jcri.cri.v1.ContainerConfig;
import io.jcri.cri.v1.Int64Value;
import io.jcri.cri.v1.LinuxContainerSecurityContext;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 12 item 5 and the user/capability behaviours: who the container's process is ({@code id}), which
 * RunAsGroup requests CreateContainer refuses, and the capability sets ({@code Cap*} of /proc/self/status).
 */
@ExtendWith(RuntimePairExtension.class)
class CredentialsDifferentialTest {
    private static ContainerConfig.Builder with(RuntimePair pair, String cmd,
                                                Consumer<LinuxContainerSecurityContext.Builder> f) {
        ContainerConfig.Builder c = pair.container("c", "sh", "-c", cmd + "; exec sleep 3600");
        f.accept(c.getLinuxBuilder().getSecurityContextBuilder());
        return c;
    }

    /** What {@code script} prints in a running container, or the refusal of the pod or container. */
    private static Answers<String> inside(RuntimePair pair, ContainerConfig.Builder ctr, String script) {
        return pair.both(rt -> {
            Side.Pod p = rt.runPod(pair.pod("cred"));
            Side.Ctr c = rt.run(p, ctr);
            return rt.sh(c, script).trim();
        });
    }

    @Test
    void runAsGroupWithoutUserIsRefused(RuntimePair pair) {
        ContainerConfig.Builder c = pair.container("c", "sleep", "3600");
        c.getLinuxBuilder().getSecurityContextBuilder().setRunAsGroup(Int64Value.newBuilder().setValue(2000));
        pair.both(rt -> rt.create(rt.runPod(pair.pod("grp")), c).id())
                .assertSameStatus("CreateContainer, run_as_group without run_as_user/run_as_username");
    }

    static Stream<Arguments> users() {
        return Stream.of(
                Arguments.of("run_as_user 1000, run_as_group 2000, supplemental 3000 4000",
                        (Consumer<LinuxContainerSecurityContext.Builder>) s -> s
                                .setRunAsUser(Int64Value.newBuilder().setValue(1000))
                                .setRunAsGroup(Int64Value.newBuilder().setValue(2000))
                                .addAllSupplementalGroups(List.of(3000L, 4000L))),
                Arguments.of("run_as_user 1000 alone",
                        (Consumer<LinuxContainerSecurityContext.Builder>) s -> s
                                .setRunAsUser(Int64Value.newBuilder().setValue(1000))),
                Arguments.of("run_as_username nobody",
                        (Consumer<LinuxContainerSecurityContext.Builder>) s -> s.setRunAsUsername("nobody")),
                Arguments.of("run_as_username nobody, run_as_group 2000",
                        (Consumer<LinuxContainerSecurityContext.Builder>) s -> s.setRunAsUsername("nobody")
                                .setRunAsGroup(Int64Value.newBuilder().setValue(2000))),
                Arguments.of("nothing set (image user root)",
                        (Consumer<LinuxContainerSecurityContext.Builder>) s -> { }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("users")
    void idOfTheProcess(String what, Consumer<LinuxContainerSecurityContext.Builder> f, RuntimePair pair) {
        // id of the container's first process, as written to a file before it execs sleep (not ExecSync's id)
        Answers<String> a = inside(pair, with(pair, "id > /tmp/id", f), "cat /tmp/id; id");
        a.assertSameStatus("CreateContainer status, " + what);
        a.assertSame("id (process; exec), " + what);
    }

    static Stream<Arguments> capabilities() {
        return Stream.of(
                Arguments.of("default", Capability.newBuilder().build()),
                Arguments.of("add SYS_ADMIN NET_ADMIN, drop CHOWN KILL", Capability.newBuilder()
                        .addAddCapabilities("SYS_ADMIN").addAddCapabilities("NET_ADMIN")
                        .addDropCapabilities("CHOWN").addDropCapabilities("KILL").build()),
                Arguments.of("drop ALL, add NET_BIND_SERVICE", Capability.newBuilder()
                        .addDropCapabilities("ALL").addAddCapabilities("NET_BIND_SERVICE").build()),
                Arguments.of("add ALL", Capability.newBuilder().addAddCapabilities("ALL").build()));
    }

    /**
     * Kept different on purpose: containerd 1.6 ignores a name with the CAP_ prefix (the capability is not added);
     * jcri takes CAP_SYS_TIME as SYS_TIME, as CRI-O does, rather than drop what was asked for without a word. So
     * jcri's answer to CAP_SYS_TIME must be containerd's answer to SYS_TIME.
     */
    @Test
    void capabilityNameWithThePrefix(RuntimePair pair) {
        String script = "grep '^Cap' /proc/1/status | tr '\\t\\n' ' '";
        Answers<String> prefixed = inside(pair, with(pair, "true", s -> s.setCapabilities(Capability.newBuilder()
                .addAddCapabilities("CAP_SYS_TIME"))), script);
        Answers<String> plain = inside(pair, with(pair, "true", s -> s.setCapabilities(Capability.newBuilder()
                .addAddCapabilities("SYS_TIME"))), script);
        prefixed.jcriAgainstContainerdOf(plain).assertSame("Cap* lines, add CAP_SYS_TIME (jcri) vs SYS_TIME (containerd)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("capabilities")
    void capabilityLines(String what, Capability caps, RuntimePair pair) {
        Answers<String> a = inside(pair, with(pair, "true", s -> s.setCapabilities(caps)),
                "grep '^Cap' /proc/1/status | tr '\\t\\n' ' '");
        a.assertSameStatus("CreateContainer status, capabilities " + what);
        a.assertSame("Cap* lines of the container's process, " + what);
    }

    @Test
    void capabilityLinesOfExecSync(RuntimePair pair) {
        inside(pair, pair.container("c", "sleep", "3600"), "grep '^Cap' /proc/self/status | tr '\\t\\n' ' '")
                .assertSame("Cap* lines of an ExecSync process, default capabilities");
    }
}
