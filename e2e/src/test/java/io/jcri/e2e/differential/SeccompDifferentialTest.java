package io.jcri.e2e.differential;

import io.jcri.cri.v1.ContainerConfig;
import io.jcri.cri.v1.LinuxContainerSecurityContext;
import io.jcri.cri.v1.PodSandboxConfig;
import io.jcri.cri.v1.SecurityProfile;
import io.jcri.e2e.harness.Deadline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 12 item 4: seccomp as the CRI defines it. The mode a container runs in ({@code Seccomp:} of
 * /proc/self/status: 0 disabled, 2 filter) for every form of the {@code seccomp} and deprecated
 * {@code seccomp_profile_path} fields, which values CreateContainer refuses, and what a Localhost profile denies
 * to the container's process and to ExecSync.
 */
@ExtendWith(RuntimePairExtension.class)
class SeccompDifferentialTest {
    /** Denies sethostname and the chmod family with EPERM, allows everything else. */
    static final String DENY_PROFILE = """
            {"defaultAction": "SCMP_ACT_ALLOW",
             "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
             "syscalls": [{"names": ["sethostname", "chmod", "fchmod", "fchmodat"],
                           "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
            """;

    static Path profile(RuntimePair pair) throws IOException {
        Path p = pair.work().resolve("deny-sethostname-chmod.json");
        if (!Files.exists(p)) {
            Files.writeString(p, DENY_PROFILE);
        }
        return p;
    }

    private static ContainerConfig.Builder withSecurity(ContainerConfig.Builder c,
                                                        Consumer<LinuxContainerSecurityContext.Builder> f) {
        f.accept(c.getLinuxBuilder().getSecurityContextBuilder());
        return c;
    }

    /** The {@code Seccomp:} line of a container's first process, or CreateContainer's refusal. */
    private static Answers<String> seccompLine(RuntimePair pair, PodSandboxConfig.Builder pod,
                                               ContainerConfig.Builder ctr) {
        return pair.both(rt -> {
            Side.Pod p = rt.runPod(pod);
            Side.Ctr c = rt.run(p, ctr);
            return rt.sh(c, "grep '^Seccomp:' /proc/1/status").trim();
        });
    }

    private static void compare(Answers<String> a, String what) {
        a.assertSameStatus("CreateContainer status, " + what);
        if (a.containerd().ok()) {
            a.assertSame("Seccomp line, " + what);
        }
    }

    @Test
    void noSeccompFieldAtAll(RuntimePair pair) {
        compare(seccompLine(pair, pair.pod("sc-none"), pair.container("c", "sleep", "3600")),
                "neither seccomp nor seccomp_profile_path");
    }

    static Stream<Arguments> profilePaths() {
        return Stream.of(Arguments.of("runtime/default"), Arguments.of("docker/default"),
                Arguments.of("unconfined"), Arguments.of("localhost/PROFILE"), Arguments.of(""),
                Arguments.of("localhost//does/not/exist.json"), Arguments.of("bogus-profile"));
    }

    @ParameterizedTest
    @MethodSource("profilePaths")
    void deprecatedSeccompProfilePath(String value, RuntimePair pair) throws IOException {
        // kubelet sends "localhost/" + the absolute path, so the value holds two slashes
        String path = value.replace("PROFILE", profile(pair).toString());
        compare(seccompLine(pair, pair.pod("sc-path"), withSecurity(pair.container("c", "sleep", "3600"),
                s -> s.setSeccompProfilePath(path))), "seccomp_profile_path " + value);
    }

    static Stream<Arguments> profileTypes() {
        return Stream.of(Arguments.of(SecurityProfile.ProfileType.RuntimeDefault, ""),
                Arguments.of(SecurityProfile.ProfileType.Unconfined, ""),
                Arguments.of(SecurityProfile.ProfileType.Localhost, "PROFILE"),
                Arguments.of(SecurityProfile.ProfileType.Localhost, "/does/not/exist.json"));
    }

    @ParameterizedTest
    @MethodSource("profileTypes")
    void seccompField(SecurityProfile.ProfileType type, String ref, RuntimePair pair) throws IOException {
        String r = ref.replace("PROFILE", profile(pair).toString());
        compare(seccompLine(pair, pair.pod("sc-field"), withSecurity(pair.container("c", "sleep", "3600"),
                s -> s.setSeccomp(SecurityProfile.newBuilder().setProfileType(type).setLocalhostRef(r)))),
                "seccomp " + type + (ref.isEmpty() ? "" : " " + ref));
    }

    /**
     * The container's own process and ExecSync both meet the profile: sethostname and chmod fail with EPERM
     * although the container has CAP_SYS_ADMIN (without the profile, the same hostname call succeeds).
     */
    @Test
    void localhostProfileDeniesSethostnameAndChmodWithCapSysAdmin(RuntimePair pair) throws IOException {
        String ref = profile(pair).toString();
        String main = "if hostname main-set 2>/tmp/err; then echo allowed; else echo denied: $(cat /tmp/err); fi"
                + " > /tmp/result.part && mv /tmp/result.part /tmp/result; exec sleep 3600";
        Answers<String> a = pair.both(rt -> {
            Side.Pod p = rt.runPod(pair.pod("sc-deny"));
            Side.Ctr c = rt.run(p, withSecurity(pair.container("c", "sh", "-c", main), s -> s
                    .setCapabilities(s.getCapabilitiesBuilder().addAddCapabilities("SYS_ADMIN"))
                    .setSeccomp(SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.Localhost)
                            .setLocalhostRef(ref))));
            Side.Ctr open = rt.run(p, withSecurity(pair.container("open", "sleep", "3600"), s -> s
                    .setCapabilities(s.getCapabilitiesBuilder().addAddCapabilities("SYS_ADMIN"))));
            Deadline.await(Duration.ofSeconds(20), "the container's hostname attempt", () ->
                    rt.exec(c, "test", "-e", "/tmp/result").exitCode() == 0);
            return "process: " + rt.sh(c, "cat /tmp/result").trim()
                    + "; exec hostname: " + rt.exec(c, "hostname", "exec-set")
                    + "; exec chmod: " + rt.exec(c, "sh", "-c", "touch /tmp/f && chmod 600 /tmp/f")
                    + "; without the profile, exec hostname: " + rt.exec(open, "hostname", "open-set");
        });
        a.assertSame("Localhost profile denying sethostname and chmod, container with CAP_SYS_ADMIN");
    }

    /** A privileged container runs without seccomp whatever profile it names (containerd 1.6 skips it). */
    @Test
    void privilegedContainerIgnoresTheProfile(RuntimePair pair) throws IOException {
        String ref = profile(pair).toString();
        PodSandboxConfig.Builder pod = pair.pod("sc-priv");
        pod.getLinuxBuilder().getSecurityContextBuilder().setPrivileged(true);
        Answers<String> a = pair.both(rt -> {
            Side.Pod p = rt.runPod(pod);
            Side.Ctr c = rt.run(p, withSecurity(pair.container("c", "sleep", "3600"), s -> s.setPrivileged(true)
                    .setSeccomp(SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.Localhost)
                            .setLocalhostRef(ref))));
            return rt.sh(c, "grep '^Seccomp:' /proc/1/status").trim() + "; exec hostname: "
                    + rt.exec(c, "hostname", "priv-set");
        });
        a.assertSame("privileged container with a Localhost profile");
    }
}
