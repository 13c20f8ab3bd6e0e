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
        CapabilitySet caps = capabilities(s);
        ResolvedUser user = user(s, layers);
        SeccompProfile profile = seccomp(s, caps);
        byte[] filter = profile == null ? null : profile.compile();
        List<long[]> rlimits = new ArrayList<>();
        for (Rlimit r : s.rlimits()) rlimits.add(new long[] {r.resource(), r.soft(), r.hard()});
        long[] groups = user.additionalGids().stream().mapToLong(Long::longValue).toArray();
        return new LaunchSecurity(user.uid(), user.gid(), groups, caps.effective(), caps.permitted(),
                caps.bounding(), caps.inheritable(), caps.ambient(), s.noNewPrivs(), filter,
                filter == null ? 0 : profile.flags(), rlimits,
                OomScoreAdj.clampForThisProcess(s.oomScoreAdj()));
    }

    static CapabilitySet capabilities(SecuritySpec s) {
        return CapabilitySet.resolve(s.privileged(), s.capAdd(), s.capDrop());
    }

    /** The user from the image's passwd/group (the topmost layer that has each) and the request. */
    static ResolvedUser user(SecuritySpec s, List<Path> layers) {
        return USERS.resolve(layers, s.runAsUsername(), s.runAsUser(), s.runAsGroup(), s.supplementalGroups());
    }

    /** The profile the launch installs, or null when it installs no filter (privileged, or unconfined). */
    static SeccompProfile seccomp(SecuritySpec s, CapabilitySet caps) {
        if (s.privileged()) {
            return null;
        }
        SeccompProfile profile = switch (s.seccomp().type()) {
            case UNCONFINED -> SeccompProfile.unconfined();
            case RUNTIME_DEFAULT -> SeccompProfile.runtimeDefault(caps.bounding());
            case LOCALHOST -> SeccompProfile.fromJson(s.seccomp().localhostProfile());
        };
        return profile.isUnconfined() ? null : profile;
    }
}
