package io.jcri.runtime.cgroup.systemd;

import java.util.List;
import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.annotations.Position;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.UInt64;
import org.freedesktop.dbus.types.Variant;

/** One unit property as StartTransientUnit and SetUnitProperties take it: D-Bus {@code (sv)}. */
public final class UnitProperty extends Struct {
    /** systemd's "infinity" for byte, task and time properties (UINT64_MAX). */
    public static final UInt64 INFINITY = new UInt64(UInt64.MAX_BIG_VALUE);

    @Position(0)
    public final String name;
    @Position(1)
    public final Variant<?> value;

    public UnitProperty(String name, Variant<?> value) {
        this.name = name;
        this.value = value;
    }

    public static UnitProperty string(String name, String value) {
        return new UnitProperty(name, new Variant<>(value));
    }

    public static UnitProperty bool(String name, boolean value) {
        return new UnitProperty(name, new Variant<>(value));
    }

    /** A {@code t} property; negative means infinity. */
    public static UnitProperty uint64(String name, long value) {
        return new UnitProperty(name, new Variant<>(value < 0 ? INFINITY : new UInt64(value)));
    }

    public static UnitProperty pids(List<Long> pids) {
        return new UnitProperty("PIDs", new Variant<>(pids.stream().map(UInt32::new).toList(), "au"));
    }

    public static UnitProperty bytes(String name, byte[] value) {
        return new UnitProperty(name, new Variant<>(value, "ay"));
    }
}
