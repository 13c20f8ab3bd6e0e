package io.jcri.runtime;

import io.jcri.runtime.security.Rlimit;

import java.nio.file.Path;
import java.util.List;

/**
 * CRI LinuxContainerSecurityContext, reduced to what the runtime enforces.
 *
 * @param maskedPaths   null means containerd's default list (empty when privileged)
 * @param readonlyPaths null means containerd's default list (empty when privileged)
 * @param oomScoreAdj   clamped to what the daemon may set
 * @param rlimits       resource limits for the process (containerd takes them from its config)
 */
public record SecuritySpec(boolean privileged, List<String> capAdd, List<String> capDrop, boolean noNewPrivs,
                           Seccomp seccomp, Long runAsUser, String runAsUsername, Long runAsGroup,
                           List<Long> supplementalGroups, boolean readonlyRootfs, List<String> maskedPaths,
                           List<String> readonlyPaths, int oomScoreAdj, List<Rlimit> rlimits) {

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
        rlimits = rlimits == null ? List.of() : List.copyOf(rlimits);
    }

    /** containerd's defaults for an unprivileged container running as root. */
    public static SecuritySpec defaults() {
        return new SecuritySpec(false, List.of(), List.of(), false, Seccomp.UNCONFINED, null, null, null, List.of(),
                false, null, null, 0, List.of());
    }

    public SecuritySpec withUser(Long uid, Long gid, List<Long> groups) {
        return new SecuritySpec(privileged, capAdd, capDrop, noNewPrivs, seccomp, uid, runAsUsername, gid, groups,
                readonlyRootfs, maskedPaths, readonlyPaths, oomScoreAdj, rlimits);
    }

    public SecuritySpec withReadonlyRootfs(boolean ro) {
        return new SecuritySpec(privileged, capAdd, capDrop, noNewPrivs, seccomp, runAsUser, runAsUsername,
                runAsGroup, supplementalGroups, ro, maskedPaths, readonlyPaths, oomScoreAdj, rlimits);
    }

    public SecuritySpec withSeccomp(Seccomp s, boolean noNewPrivs) {
        return new SecuritySpec(privileged, capAdd, capDrop, noNewPrivs, s, runAsUser, runAsUsername,
                runAsGroup, supplementalGroups, readonlyRootfs, maskedPaths, readonlyPaths, oomScoreAdj, rlimits);
    }

    public SecuritySpec withCaps(boolean privileged, List<String> add, List<String> drop) {
        return new SecuritySpec(privileged, add, drop, noNewPrivs, seccomp, runAsUser, runAsUsername,
                runAsGroup, supplementalGroups, readonlyRootfs, maskedPaths, readonlyPaths, oomScoreAdj, rlimits);
    }

    public SecuritySpec withRlimits(List<Rlimit> limits) {
        return new SecuritySpec(privileged, capAdd, capDrop, noNewPrivs, seccomp, runAsUser, runAsUsername,
                runAsGroup, supplementalGroups, readonlyRootfs, maskedPaths, readonlyPaths, oomScoreAdj, limits);
    }

    public SecuritySpec withOomScoreAdj(int adj) {
        return new SecuritySpec(privileged, capAdd, capDrop, noNewPrivs, seccomp, runAsUser, runAsUsername,
                runAsGroup, supplementalGroups, readonlyRootfs, maskedPaths, readonlyPaths, adj, rlimits);
    }
}
