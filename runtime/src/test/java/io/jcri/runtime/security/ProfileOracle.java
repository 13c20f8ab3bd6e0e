package io.jcri.runtime.security;

/** The meaning of a profile, evaluated directly on the model: what the compiled filter must agree with. */
final class ProfileOracle {
    private ProfileOracle() {
    }

    static int expected(SeccompProfile profile, SeccompArch arch, String syscall, long... args) {
        for (SeccompRule rule : profile.rules()) {
            if (rule.action().equals(profile.defaultAction()) || !rule.names().contains(syscall)) {
                continue;
            }
            boolean all = true;
            for (SeccompArg arg : rule.args()) {
                all &= arg.matches(arg.index() < args.length ? args[arg.index()] : 0);
            }
            if (all) {
                return rule.action().returnValue();
            }
        }
        return profile.defaultAction().returnValue();
    }
}
