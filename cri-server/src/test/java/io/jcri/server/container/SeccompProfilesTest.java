package io.jcri.server.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.jcri.cri.v1.HugepageLimit;
import io.jcri.cri.v1.LinuxContainerResources;
import io.jcri.cri.v1.LinuxContainerSecurityContext;
import io.jcri.cri.v1.SecurityProfile;
import io.jcri.runtime.SecuritySpec;
import io.jcri.server.grpc.CriException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seccomp choice of containerd 1.6's generateSeccompSecurityProfile/generateSeccompSpecOpts. */
class SeccompProfilesTest {
    @TempDir
    Path tmp;

    private static SecuritySpec.Seccomp of(LinuxContainerSecurityContext.Builder sc) {
        return SeccompProfiles.forContainer(sc.build());
    }

    private static CriException refused(LinuxContainerSecurityContext.Builder sc) {
        return catchThrowableOfType(() -> of(sc), CriException.class);
    }

    @Test
    void nothingSetIsUnconfined() {
        assertThat(of(LinuxContainerSecurityContext.newBuilder())).isEqualTo(SecuritySpec.Seccomp.UNCONFINED);
    }

    @Test
    void theDeprecatedPath() throws Exception {
        assertThat(of(LinuxContainerSecurityContext.newBuilder().setSeccompProfilePath("runtime/default")))
                .isEqualTo(SecuritySpec.Seccomp.RUNTIME_DEFAULT);
        assertThat(of(LinuxContainerSecurityContext.newBuilder().setSeccompProfilePath("docker/default")))
                .isEqualTo(SecuritySpec.Seccomp.RUNTIME_DEFAULT);
        assertThat(of(LinuxContainerSecurityContext.newBuilder().setSeccompProfilePath("unconfined")))
                .isEqualTo(SecuritySpec.Seccomp.UNCONFINED);
        Path profile = Files.writeString(tmp.resolve("p.json"), "{\"defaultAction\":\"SCMP_ACT_ALLOW\"}");
        assertThat(of(LinuxContainerSecurityContext.newBuilder().setSeccompProfilePath("localhost/" + profile)))
                .isEqualTo(new SecuritySpec.Seccomp(SecuritySpec.Seccomp.Type.LOCALHOST, profile));
        for (String bad : new String[] {"strict", "localhost/relative.json", "localhost/" + tmp.resolve("none")}) {
            CriException e = refused(LinuxContainerSecurityContext.newBuilder().setSeccompProfilePath(bad));
            assertThat(e.code()).as(bad).isEqualTo(Status.Code.INVALID_ARGUMENT);
        }
    }

    @Test
    void theFieldWinsOverThePath() {
        assertThat(of(LinuxContainerSecurityContext.newBuilder().setSeccompProfilePath("runtime/default")
                .setSeccomp(SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.Unconfined))))
                .isEqualTo(SecuritySpec.Seccomp.UNCONFINED);
        assertThat(of(LinuxContainerSecurityContext.newBuilder()
                .setSeccomp(SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.RuntimeDefault))))
                .isEqualTo(SecuritySpec.Seccomp.RUNTIME_DEFAULT);
        CriException e = refused(LinuxContainerSecurityContext.newBuilder().setSeccomp(SecurityProfile.newBuilder()
                .setProfileType(SecurityProfile.ProfileType.RuntimeDefault).setLocalhostRef("/x.json")));
        assertThat(e.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void privilegedIsUnconfinedButABadPathIsStillRefused() {
        assertThat(of(LinuxContainerSecurityContext.newBuilder().setPrivileged(true)
                .setSeccompProfilePath("runtime/default"))).isEqualTo(SecuritySpec.Seccomp.UNCONFINED);
        assertThat(refused(LinuxContainerSecurityContext.newBuilder().setPrivileged(true)
                .setSeccompProfilePath("strict")).code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void aHugepageSizeIsCheckedBeforeItNamesAFile() {
        CriException e = catchThrowableOfType(() -> ResourcesMapper.toRuntime(LinuxContainerResources.newBuilder()
                .addHugepageLimits(HugepageLimit.newBuilder().setPageSize("../../x")).build()), CriException.class);
        assertThat(e.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getMessage()).contains("page_size").contains("../../x");
    }
}
