package io.jcri.runtime.kernel;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The features of the running kernel, probed once: {@link #probe()}, or a given set (tests forcing fallbacks). */
public record KernelFeatures(String release, Set<KernelFeature> present) {
    private static volatile KernelFeatures host;

    public KernelFeatures {
        present = present.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(present));
    }

    /** This kernel's, probed on the first call and remembered for the life of the JVM. */
    public static KernelFeatures probe() {
        KernelFeatures h = host;
        if (h == null) {
            synchronized (KernelFeatures.class) {
                if (host == null) host = KernelFeatureProbe.probe();
                h = host;
            }
        }
        return h;
    }

    public boolean has(KernelFeature feature) {
        return present.contains(feature);
    }

    /** The same kernel without {@code features}: their fallbacks run. */
    public KernelFeatures without(KernelFeature... features) {
        EnumSet<KernelFeature> left = present.isEmpty() ? EnumSet.noneOf(KernelFeature.class) : EnumSet.copyOf(present);
        for (KernelFeature f : features) left.remove(f);
        return new KernelFeatures(release, left);
    }

    /** The pod's PID namespace can be had (and pinned) before it has an init. */
    public boolean pidNamespaceBeforeInit() {
        return has(KernelFeature.PIDFD_THREAD) && has(KernelFeature.PIDFD_NAMESPACE);
    }

    /** /proc through fsconfig "pidns" of the namespace the launch thread's children are born in. */
    public boolean procPidnsMount() {
        return has(KernelFeature.PROC_PIDNS) && has(KernelFeature.FSCONFIG) && pidNamespaceBeforeInit();
    }

    /** Feature key to whether the kernel has it, in declaration order (the verbose Status shows this). */
    public Map<String, Boolean> asMap() {
        Map<String, Boolean> m = new LinkedHashMap<>();
        for (KernelFeature f : KernelFeature.values()) m.put(f.key(), has(f));
        return m;
    }

    /** One line for the start-up log. */
    public String summary() {
        String missing = EnumSet.allOf(KernelFeature.class).stream().filter(f -> !has(f))
                .map(f -> f.key() + " (" + f.since() + "+; instead: " + f.fallback() + ")")
                .collect(Collectors.joining("; "));
        return "kernel " + release + ": " + KernelFeature.values().length + " features probed, present ["
                + present.stream().sorted().map(KernelFeature::key).collect(Collectors.joining(" ")) + "]"
                + (missing.isEmpty() ? "" : ", missing: " + missing);
    }
}
