package io.jcri.runtime.cgroup.systemd;

import java.util.List;
import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.annotations.Position;

/** An auxiliary unit of StartTransientUnit, D-Bus {@code (sa(sv))}; jcri sends none. */
public final class AuxUnit extends Struct {
    @Position(0)
    public final String name;
    @Position(1)
    public final List<UnitProperty> properties;

    public AuxUnit(String name, List<UnitProperty> properties) {
        this.name = name;
        this.properties = properties;
    }
}
