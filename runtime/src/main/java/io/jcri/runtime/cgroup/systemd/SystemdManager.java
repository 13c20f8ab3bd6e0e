package io.jcri.runtime.cgroup.systemd;

import java.util.List;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.messages.DBusSignal;
import org.freedesktop.dbus.types.UInt32;

/** The part of systemd's {@code org.freedesktop.systemd1.Manager} D-Bus interface jcri calls (systemd.dbus(5)). */
@DBusInterfaceName("org.freedesktop.systemd1.Manager")
public interface SystemdManager extends DBusInterface {
    /** Queues the start of a transient unit; the returned job's end is told by {@link JobRemoved}. */
    DBusPath StartTransientUnit(String name, String mode, List<UnitProperty> properties, List<AuxUnit> aux);

    DBusPath StopUnit(String name, String mode);

    void ResetFailedUnit(String name);

    /** {@code runtime}: the change lasts until the next reboot (below /run), as runc sets it. */
    void SetUnitProperties(String name, boolean runtime, List<UnitProperty> properties);

    DBusPath GetUnit(String name);

    /** Without a subscriber systemd sends no job signals on the bus. */
    void Subscribe();

    /** A job ended; {@code result} is "done", "canceled", "timeout", "failed", "dependency" or "skipped". */
    class JobRemoved extends DBusSignal {
        private final long id;
        private final DBusPath job;
        private final String unit;
        private final String result;

        public JobRemoved(String path, UInt32 id, DBusPath job, String unit, String result) throws DBusException {
            super(path, id, job, unit, result);
            this.id = id.longValue();
            this.job = job;
            this.unit = unit;
            this.result = result;
        }

        public long id() {
            return id;
        }

        public String jobPath() {
            return job.getPath();
        }

        public String unit() {
            return unit;
        }

        public String result() {
            return result;
        }
    }
}
