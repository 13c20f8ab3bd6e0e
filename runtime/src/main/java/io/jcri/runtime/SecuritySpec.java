package io.jcri.runtime;

import java.nio.file.Path;
import java.util.List;

/**
 * CRI LinuxContainerSecurityContext, reduced to what the runtime enforces.
 *
 * @param maskedPaths   null means containerd's default list (empty when privileged)
 * @param readonlyPaths null means containerd's default list (empty when privileged)
 * @param oomScoreAdj   clamped to what the daemon may set
 */
public record SecuritySpec(boolean privileged, List<String> capAdd, List<String> capDrop, boolean noNewPrivs,
                           Seccomp seccomp, Long runAsUser, String runAsUsername, Long runAsGroup,
                           List<Long> supplementalGroups, boolean readonlyRootfs, List<String> maskedPaths,
                           List<String> readonlyPaths, int oomScoreAdj) {

    /** CRI SecurityProfile for seccomp: RuntimeDefault, Unconfined or a Localhost JSON profile. */
    public record Seccomp(Type type, Path localhostProfile) {
        public enum Type { UNCONFINED, RUNTIME_DEFAULT, LOCALHOST }

        public static final Seccomp UNCONFINED = new Seccomp(Type.UNCONFINED, null);
        public static final Seccomp RUNTIME_DEFAULT = new Seccomp(Type.RUNTIME_DEFAULT, null);
    }

    public SecuritySpec {
        capAdd = capAdd == null ? List.of() : List.copyOf(capAdd);
        capDrop = capDrop == null ? List.of() : List.copyOf(capDrop);
        supplementalGroups = supplementalGroups == null ? List.of() : List.copyOf(supplementalGroups);
        if (seccomp == null) seccomp = Seccomp.UNCONFINED;
    }

    /** containerd's defaults for an unprivileged container running as root. */
    public static SecuritySpec defaults() {
        return new SecuritySpec(false, List.of(), List.of(), false, Seccomp.UNCONFINED, null, null, null, List.of(),
                false, null, null, 0);
    }

    public SecuritySpec withUser(Long uid, Long gid, List<Long> groups) {
        return new SecuritySpec(privileged, capAdd, capDrop, noNewPrivs, seccomp, uid, runAsUsername, gid, groups,
                readonlyRootfs, maskedPaths, readonlyPaths, oomScoreAdj);
    }

    public SecuritySpec withReadonlyRootfs(boolean ro) {
        return new SecuritySpec(privileged, capAdd, capDrop, noNewPrivs, seccomp, runAsUser, runAsUsername,
                runAsGroup, supplementalGroups, ro, maskedPaths, readonlyPaths, oomScoreAdj);
    }

    public SecuritySpec withSeccomp(Seccomp s, boolean noNewPrivs) {
        return new SecuritySpec(privileged, capAdd, capDrop, noNewPrivs, s, runAsUser, runAsUsername,
                runAsGroup, supplementalGroups, readonlyRootfs, maskedPaths, readonlyPaths, oomScoreAdj);
    }

    public SecuritySpec withCaps(boolean privileged, List<String> add, List<String> drop) {
        return new SecuritySpec(privileged, add, drop, noNewPrivs, seccomp, runAsUser, runAsUsername,
                runAsGroup, supplementalGroups, readonlyRootfs, maskedPaths, readonlyPaths, oomScoreAdj);
    }

    public SecuritySpec withOomScoreAdj(int adj) {
        return new SecuritySpec(privileged, capAdd, capDrop, noNewPrivs, seccomp, runAsUser, runAsUsername,
                runAsGroup, supplementalGroups, readonlyRootfs, maskedPaths, readonlyPaths, adj);
    }
}
