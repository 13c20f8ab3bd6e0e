package io.jcri.runtime.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The five capability sets of a container process, as bitmasks (bit n = capability number n).
 *
 * <p>{@link #resolve} follows containerd's CRI plugin: start from the default set (or every capability when
 * privileged), then add ALL, drop ALL, add the named ones, drop the named ones. Effective, permitted and bounding
 * get the result; inheritable and ambient stay empty, as with containerd. "Every capability" means those this
 * daemon itself holds in its bounding set (containerd's WithAllCurrentCapabilities): asking the kernel for more
 * would fail the launch. Here, for instance, CAP_SYS_RESOURCE is missing.
 */
public record CapabilitySet(long effective, long permitted, long bounding, long inheritable, long ambient) {

    /** containerd's default (the Docker-compatible list kubelet users expect). */
    public static final List<Capability> DEFAULT = List.of(
            Capability.CAP_CHOWN,
            Capability.CAP_DAC_OVERRIDE,
            Capability.CAP_FSETID,
            Capability.CAP_FOWNER,
            Capability.CAP_MKNOD,
            Capability.CAP_NET_RAW,
            Capability.CAP_SETGID,
            Capability.CAP_SETUID,
            Capability.CAP_SETFCAP,
            Capability.CAP_SETPCAP,
            Capability.CAP_NET_BIND_SERVICE,
            Capability.CAP_SYS_CHROOT,
            Capability.CAP_KILL,
            Capability.CAP_AUDIT_WRITE);

    public static final long DEFAULT_MASK = maskOf(DEFAULT);

    /** Every capability this code knows, CAP_CHOWN (0) to CAP_CHECKPOINT_RESTORE (40). */
    public static final long KNOWN_MASK = (1L << Capability.values().length) - 1;

    public static CapabilitySet of(long caps) {
        return new CapabilitySet(caps, caps, caps, 0, 0);
    }

    public static CapabilitySet resolve(boolean privileged, List<String> add, List<String> drop) {
        return resolve(privileged, add, drop, available());
    }

    /** {@code available} bounds "ALL" and privileged mode; named capabilities outside it are refused. */
    public static CapabilitySet resolve(boolean privileged, List<String> add, List<String> drop, long available) {
        List<String> adds = add == null ? List.of() : add;
        List<String> drops = drop == null ? List.of() : drop;
        long caps = privileged ? available : DEFAULT_MASK & available;
        if (privileged) {
            return of(caps);
        }
        if (containsAll(adds)) {
            caps = available;
        }
        if (containsAll(drops)) {
            caps = 0;
        }
        long added = fromNames(withoutAll(adds));
        if ((added & ~available) != 0) {
            throw new IllegalArgumentException("cannot add " + names(added & ~available)
                    + ": the runtime itself does not hold them");
        }
        caps |= added;
        caps &= ~fromNames(withoutAll(drops));
        return of(caps);
    }

    /** Bit mask of the named capabilities; unknown names throw IllegalArgumentException. */
    public static long fromNames(Collection<String> names) {
        long mask = 0;
        for (String name : names) {
            mask |= Capability.parse(name).mask();
        }
        return mask;
    }

    public static long fromNames(String... names) {
        return fromNames(List.of(names));
    }

    /** "CAP_..." names of the set bits, lowest first. */
    public static List<String> names(long mask) {
        List<String> names = new ArrayList<>();
        for (Capability cap : Capability.values()) {
            if ((mask & cap.mask()) != 0) {
                names.add(cap.name());
            }
        }
        return names;
    }

    /** The capabilities this process may hand out: its bounding set, limited to those known here. */
    public static long available() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapBnd:")) {
                    return Long.parseUnsignedLong(line.substring("CapBnd:".length()).strip(), 16) & KNOWN_MASK;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/status", e);
        }
        throw new IllegalStateException("no CapBnd in /proc/self/status");
    }

    private static long maskOf(List<Capability> caps) {
        long mask = 0;
        for (Capability cap : caps) {
            mask |= cap.mask();
        }
        return mask;
    }

    private static boolean containsAll(List<String> names) {
        return names.stream().anyMatch(n -> n.strip().toUpperCase(Locale.ROOT).equals("ALL"));
    }

    private static List<String> withoutAll(List<String> names) {
        return names.stream().filter(n -> !n.strip().equalsIgnoreCase("ALL")).toList();
    }
}
