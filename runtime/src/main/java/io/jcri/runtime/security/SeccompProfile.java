package io.jcri.runtime.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A seccomp filter description in the OCI runtime-spec model, or "unconfined" (no filter at all).
 * {@link #compile()} turns it into the BPF program the launcher hands to {@code seccomp(2)}.
 */
public final class SeccompProfile {
    /** {@code SECCOMP_FILTER_FLAG_*} bits for {@code seccomp(SECCOMP_SET_MODE_FILTER, flags, prog)}. */
    public static final int FLAG_LOG = 2;
    public static final int FLAG_SPEC_ALLOW = 4;
    public static final int FLAG_WAIT_KILLABLE_RECV = 32;

    private static final SeccompProfile UNCONFINED = new SeccompProfile(true, SeccompAction.ALLOW, List.of(),
            List.of(), 0);
    /** RuntimeDefault per bounding set: pods use a handful of distinct sets, each compiled once. */
    private static final java.util.Map<Long, SeccompProfile> RUNTIME_DEFAULTS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final boolean unconfined;
    private final SeccompAction defaultAction;
    private final List<SeccompArch> architectures;
    private final List<SeccompRule> rules;
    private final int flags;
    private final boolean builtIn;
    private volatile byte[] program;

    private SeccompProfile(boolean unconfined, SeccompAction defaultAction, List<SeccompArch> architectures,
            List<SeccompRule> rules, int flags) {
        this(unconfined, defaultAction, architectures, rules, flags, false);
    }

    private SeccompProfile(boolean unconfined, SeccompAction defaultAction, List<SeccompArch> architectures,
            List<SeccompRule> rules, int flags, boolean builtIn) {
        this.builtIn = builtIn;
        this.unconfined = unconfined;
        this.defaultAction = defaultAction;
        this.architectures = List.copyOf(architectures);
        this.rules = List.copyOf(rules);
        this.flags = flags;
    }

    /** An empty architecture list means the native one only, as libseccomp does. */
    public static SeccompProfile of(SeccompAction defaultAction, List<SeccompArch> architectures,
            List<SeccompRule> rules) {
        return of(defaultAction, architectures, rules, 0);
    }

    public static SeccompProfile of(SeccompAction defaultAction, List<SeccompArch> architectures,
            List<SeccompRule> rules, int flags) {
        List<SeccompArch> arches = architectures.isEmpty() ? List.of(SeccompArch.X86_64) : architectures;
        return new SeccompProfile(false, defaultAction, arches, rules, flags);
    }

    /** RuntimeDefault names syscalls of other machines on purpose: not worth a warning. */
    static SeccompProfile builtIn(SeccompAction defaultAction, List<SeccompArch> architectures,
            List<SeccompRule> rules) {
        return new SeccompProfile(false, defaultAction, architectures, rules, 0, true);
    }

    boolean isBuiltIn() {
        return builtIn;
    }

    /** containerd's default profile for a container with containerd's default capability set. */
    public static SeccompProfile runtimeDefault() {
        return runtimeDefault(CapabilitySet.DEFAULT_MASK);
    }

    /** containerd's default profile; capability-dependent rules follow {@code boundingCaps}. */
    public static SeccompProfile runtimeDefault(long boundingCaps) {
        return RUNTIME_DEFAULTS.computeIfAbsent(boundingCaps, DefaultSeccompProfile::build);
    }

    public static SeccompProfile unconfined() {
        return UNCONFINED;
    }

    public static SeccompProfile fromJson(Path file) {
        try {
            return fromJson(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read seccomp profile " + file, e);
        }
    }

    public static SeccompProfile fromJson(String json) {
        return SeccompProfileParser.parse(json);
    }

    public boolean isUnconfined() {
        return unconfined;
    }

    public SeccompAction defaultAction() {
        return defaultAction;
    }

    public List<SeccompArch> architectures() {
        return architectures;
    }

    public List<SeccompRule> rules() {
        return rules;
    }

    /**
     * {@code SECCOMP_FILTER_FLAG_*} the profile asks for (OCI {@code flags}). TSYNC is never among them: the
     * launcher filters its own single-use thread, whose child inherits the filter.
     */
    public int flags() {
        return flags;
    }

    /** The filter as an array of 8-byte little-endian {@code struct sock_filter}; compiled once per profile. */
    public byte[] compile() {
        if (unconfined) {
            throw new IllegalStateException("an unconfined profile has no filter: install none");
        }
        byte[] compiled = program;
        if (compiled == null) {
            compiled = SeccompCompiler.compile(this);
            program = compiled;
        }
        return compiled.clone();
    }
}
