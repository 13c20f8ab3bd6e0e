package io.jcri.runtime;

import io.jcri.runtime.launch.LaunchSecurity;
import io.jcri.runtime.security.CapabilitySet;
import io.jcri.runtime.security.OomScoreAdj;
import io.jcri.runtime.security.ResolvedUser;
import io.jcri.runtime.security.Rlimit;
import io.jcri.runtime.security.SeccompProfile;
import io.jcri.runtime.security.UserResolver;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Turns a {@link SecuritySpec} (CRI vocabulary) into kernel values for a launch, through the security package. */
final class SecurityResolution {
    private static final UserResolver USERS = new UserResolver();

    private SecurityResolution() {}

    static LaunchSecurity resolve(SecuritySpec s, List<Path> layers) {
        CapabilitySet caps = CapabilitySet.resolve(s.privileged(), s.capAdd(), s.capDrop());
        ResolvedUser user = USERS.resolve(layers, s.runAsUsername(), s.runAsUser(), s.runAsGroup(),
                s.supplementalGroups());
        SeccompProfile profile = switch (s.seccomp().type()) {
            case UNCONFINED -> SeccompProfile.unconfined();
            case RUNTIME_DEFAULT -> SeccompProfile.runtimeDefault(caps.bounding());
            case LOCALHOST -> SeccompProfile.fromJson(s.seccomp().localhostProfile());
        };
        byte[] filter = s.privileged() || profile.isUnconfined() ? null : profile.compile();
        List<long[]> rlimits = new ArrayList<>();
        for (Rlimit r : s.rlimits()) rlimits.add(new long[] {r.resource(), r.soft(), r.hard()});
        long[] groups = user.additionalGids().stream().mapToLong(Long::longValue).toArray();
        return new LaunchSecurity(user.uid(), user.gid(), groups, caps.effective(), caps.permitted(),
                caps.bounding(), caps.inheritable(), caps.ambient(), s.noNewPrivs(), filter,
                filter == null ? 0 : profile.flags(), rlimits,
                OomScoreAdj.clampForThisProcess(s.oomScoreAdj()));
    }
}
