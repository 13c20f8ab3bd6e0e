package io.jcri.server.container;

import io.jcri.cri.v1.LinuxContainerSecurityContext;
import io.jcri.cri.v1.SecurityProfile;
import io.jcri.runtime.SecuritySpec;
import io.jcri.server.grpc.CriException;
import io.jcri.server.grpc.Quoted;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A container's seccomp profile from its security context, as containerd 1.6 chooses it: {@code seccomp} if set,
 * else the deprecated {@code seccomp_profile_path}, else none at all (Unconfined; kubelet sends RuntimeDefault
 * explicitly when a pod or {@code --seccomp-default} asks for it). A privileged container runs unconfined whatever
 * it asks for, but a profile path that names no profile is refused first, as containerd parses it before it
 * looks at {@code privileged}.
 */
final class SeccompProfiles {
    private static final String LOCALHOST_PREFIX = "localhost/";

    private SeccompProfiles() {
    }

    static SecuritySpec.Seccomp forContainer(LinuxContainerSecurityContext sc) {
        SecurityProfile profile = sc.hasSeccomp() ? sc.getSeccomp() : fromPath(sc.getSeccompProfilePath());
        if (profile == null || sc.getPrivileged()) {
            return SecuritySpec.Seccomp.UNCONFINED;
        }
        if (profile.getProfileType() != SecurityProfile.ProfileType.Localhost && !profile.getLocalhostRef().isEmpty()) {
            throw CriException.invalidArgument("CreateContainer: seccomp localhost_ref "
                    + Quoted.of(profile.getLocalhostRef()) + " is only allowed with profile_type Localhost, not "
                    + profile.getProfileType());
        }
        return switch (profile.getProfileType()) {
            case RuntimeDefault -> SecuritySpec.Seccomp.RUNTIME_DEFAULT;
            case Localhost -> localhost(profile.getLocalhostRef());
            case Unconfined -> SecuritySpec.Seccomp.UNCONFINED;
            default -> throw CriException.invalidArgument("CreateContainer: seccomp profile_type "
                    + profile.getProfileTypeValue() + " is not RuntimeDefault, Unconfined or Localhost");
        };
    }

    /** The deprecated path form; null when empty (no profile requested). */
    static SecurityProfile fromPath(String path) {
        if (path.isEmpty()) {
            return null;
        }
        return switch (path) {
            case "runtime/default", "docker/default" -> SecurityProfile.newBuilder()
                    .setProfileType(SecurityProfile.ProfileType.RuntimeDefault).build();
            case "unconfined" -> SecurityProfile.newBuilder()
                    .setProfileType(SecurityProfile.ProfileType.Unconfined).build();
            default -> {
                if (!path.startsWith(LOCALHOST_PREFIX)) {
                    throw CriException.invalidArgument("CreateContainer: seccomp_profile_path " + Quoted.of(path)
                            + " is none of runtime/default, docker/default, unconfined, localhost/<absolute path>");
                }
                yield SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.Localhost)
                        .setLocalhostRef(path.substring(LOCALHOST_PREFIX.length())).build();
            }
        };
    }

    private static SecuritySpec.Seccomp localhost(String ref) {
        // containerd trims a "localhost/" a client left in the ref
        String file = ref.startsWith(LOCALHOST_PREFIX) ? ref.substring(LOCALHOST_PREFIX.length()) : ref;
        if (file.isEmpty() || !file.startsWith("/")) {
            throw CriException.invalidArgument("CreateContainer: a Localhost seccomp profile needs an absolute path,"
                    + " got " + Quoted.of(ref));
        }
        Path p = Path.of(file);
        if (!Files.isRegularFile(p)) {
            throw CriException.invalidArgument("CreateContainer: seccomp profile " + Quoted.of(file)
                    + " does not exist or is not a file");
        }
        return new SecuritySpec.Seccomp(SecuritySpec.Seccomp.Type.LOCALHOST, p);
    }

}
