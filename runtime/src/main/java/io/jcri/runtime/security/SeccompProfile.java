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
    private static final SeccompProfile UNCONFINED = new SeccompProfile(true, SeccompAction.ALLOW, List.of(),
            List.of());

    private final boolean unconfined;
    private final SeccompAction defaultAction;
    private final List<SeccompArch> architectures;
    private final List<SeccompRule> rules;

    private SeccompProfile(boolean unconfined, SeccompAction defaultAction, List<SeccompArch> architectures,
            List<SeccompRule> rules) {
        this.unconfined = unconfined;
        this.defaultAction = defaultAction;
        this.architectures = List.copyOf(architectures);
        this.rules = List.copyOf(rules);
    }

    /** An empty architecture list means the native one only, as libseccomp does. */
    public static SeccompProfile of(SeccompAction defaultAction, List<SeccompArch> architectures,
            List<SeccompRule> rules) {
        List<SeccompArch> arches = architectures.isEmpty() ? List.of(SeccompArch.X86_64) : architectures;
        return new SeccompProfile(false, defaultAction, arches, rules);
    }

    /** containerd's default profile for a container with containerd's default capability set. */
    public static SeccompProfile runtimeDefault() {
        return runtimeDefault(CapabilitySet.DEFAULT_MASK);
    }

    /** containerd's default profile; capability-dependent rules follow {@code boundingCaps}. */
    public static SeccompProfile runtimeDefault(long boundingCaps) {
        return DefaultSeccompProfile.build(boundingCaps);
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

    /** The filter as an array of 8-byte little-endian {@code struct sock_filter}. */
    public byte[] compile() {
        if (unconfined) {
            throw new IllegalStateException("an unconfined profile has no filter: install none");
        }
        return SeccompCompiler.compile(this);
    }
}
