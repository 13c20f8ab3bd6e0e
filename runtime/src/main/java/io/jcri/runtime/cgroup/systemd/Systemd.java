package io.jcri.runtime.cgroup.systemd;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.systemd1.NoSuchUnit;
import org.freedesktop.systemd1.UnitExists;

/**
 * jcri's client of systemd's manager on the D-Bus system bus (dbus-java, the native unix socket transport of
 * the JDK): transient units started and stopped the way runc's systemd driver does it, each job awaited through
 * its JobRemoved signal. The system bus and not systemd's private socket (/run/systemd/private): it is the
 * documented interface, the one runc (go-systemd's dbus.New) and kubelet use, and it survives
 * {@code systemctl daemon-reexec}. One connection per daemon, thread-safe.
 */
public final class Systemd implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Systemd.class.getName());
    static final String SERVICE = "org.freedesktop.systemd1";
    static final String OBJECT = "/org/freedesktop/systemd1";
    static final String MANAGER = "org.freedesktop.systemd1.Manager";
    static final String SYSTEM_BUS_SOCKET = "/run/dbus/system_bus_socket";
    /** runc waits 30 s for a unit's start or stop job. */
    static final Duration JOB_TIMEOUT = Duration.ofSeconds(30);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final DBusConnection bus;
    private final SystemdManager manager;
    private final int version;
    /** Units with an operation of ours in flight; JobRemoved for others (the whole system's jobs) is ignored. */
    private final Set<String> watched = ConcurrentHashMap.newKeySet();
    /** Job path to its result: the signal may arrive before the call that queued the job has returned. */
    private final Map<String, CompletableFuture<String>> jobs = new ConcurrentHashMap<>();

    private Systemd(DBusConnection bus) throws DBusException {
        this.bus = bus;
        manager = bus.getRemoteObject(SERVICE, OBJECT, SystemdManager.class);
        bus.addSigHandler(SystemdManager.JobRemoved.class, this::jobRemoved);
        manager.Subscribe();
        Properties props = bus.getRemoteObject(SERVICE, OBJECT, Properties.class);
        version = parseVersion(String.valueOf((Object) props.Get(MANAGER, "Version")));
    }

    /**
     * Connects to the system bus ({@code $DBUS_SYSTEM_BUS_ADDRESS}, else /run/dbus/system_bus_socket) and asks
     * systemd its version.
     *
     * @throws SystemdUnavailableException naming the socket and what failed
     */
    public static Systemd connect() {
        String address = System.getenv("DBUS_SYSTEM_BUS_ADDRESS");
        return connect(address != null && !address.isBlank() ? address : "unix:path=" + SYSTEM_BUS_SOCKET);
    }

    /** The same on a given bus address ({@code unix:path=...}). */
    public static Systemd connect(String address) {
        String socket = address.startsWith("unix:path=") ? address.substring("unix:path=".length()).split(",")[0]
                : null;
        if (socket != null && !Files.exists(Path.of(socket))) {
            throw unavailable(address, socket + " does not exist (is the dbus package installed and "
                    + (Files.isDirectory(Path.of("/run/systemd/system")) ? "dbus.socket started?)"
                    : "systemd PID 1? /run/systemd/system does not exist)"), null);
        }
        // dbus-java's authentication reads without a deadline: a peer that never answers must not hang start-up
        CompletableFuture<Systemd> connected = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            DBusConnection bus = null;
            try {
                bus = DBusConnectionBuilder.forAddress(address).withShared(false).build();
                connected.complete(new Systemd(bus));
            } catch (DBusException | RuntimeException e) {
                if (bus != null) bus.disconnect();
                connected.completeExceptionally(e);
            }
        }, "jcri-systemd-connect");
        t.setDaemon(true);
        t.start();
        try {
            return connected.get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            connected.thenAccept(Systemd::close); // should it answer after all
            throw unavailable(address, "no answer within " + CONNECT_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(address, "interrupted while connecting", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw unavailable(address, cause.getMessage() == null ? cause.toString() : cause.getMessage(), cause);
        }
    }

    private static SystemdUnavailableException unavailable(String where, String why, Throwable cause) {
        return new SystemdUnavailableException("the cgroup driver is \"systemd\" but systemd does not answer on the"
                + " D-Bus system bus (" + where + "): " + why + "; run jcri on a node whose init is systemd, or set"
                + " [cgroup] driver = \"cgroupfs\"", cause);
    }

    /** systemd's version number (252 for "252.33-1~deb12u1"). */
    public int version() {
        return version;
    }

    static int parseVersion(String v) {
        String s = v.replaceAll("^[\"v]+", "");
        int end = 0;
        while (end < s.length() && Character.isDigit(s.charAt(end))) end++;
        return end == 0 ? -1 : Integer.parseInt(s.substring(0, end));
    }

    /**
     * StartTransientUnit in mode "replace", then waits for the job. A unit of that name left failed (by an
     * earlier run) is reset and the start tried once more, as runc does.
     *
     * @throws SystemdJobException when systemd refuses the unit or its job does not end "done"
     * @throws SystemdUnavailableException when the bus connection is gone
     */
    public void startTransientUnit(String unit, List<UnitProperty> properties) {
        watched.add(unit);
        try {
            DBusPath job;
            try {
                job = manager.StartTransientUnit(unit, "replace", properties, List.of());
            } catch (UnitExists e) {
                resetFailedQuietly(unit);
                try {
                    job = manager.StartTransientUnit(unit, "replace", properties, List.of());
                } catch (DBusExecutionException again) {
                    throw refused(unit, "start", again);
                }
            } catch (DBusExecutionException e) {
                throw refused(unit, "start", e);
            }
            String result = await(job, unit);
            if (!"done".equals(result)) {
                resetFailedQuietly(unit);
                throw new SystemdJobException("systemd could not start " + unit + ": its job ended \"" + result
                        + "\" (properties " + properties + ")");
            }
        } finally {
            watched.remove(unit);
        }
    }

    /**
     * StopUnit in mode "replace" and waits for the job; then ResetFailedUnit so that systemd forgets it. A unit
     * systemd does not know (already stopped and collected) is fine.
     */
    public void stopUnit(String unit) {
        watched.add(unit);
        try {
            DBusPath job;
            try {
                job = manager.StopUnit(unit, "replace");
            } catch (NoSuchUnit e) {
                return; // stopped and collected already (a scope whose last process left)
            } catch (DBusExecutionException e) {
                throw refused(unit, "stop", e);
            }
            String result = await(job, unit);
            if (!"done".equals(result)) LOG.warning("stopping " + unit + ": its job ended \"" + result + "\"");
        } finally {
            watched.remove(unit);
        }
        resetFailedQuietly(unit);
    }

    /** SetUnitProperties for the runtime (until reboot), as runc's Set: live resource updates. */
    public void setUnitProperties(String unit, List<UnitProperty> properties) {
        if (properties.isEmpty()) return;
        try {
            manager.SetUnitProperties(unit, true, properties);
        } catch (DBusExecutionException e) {
            throw refused(unit, "set properties " + properties + " of", e);
        }
    }

    /** Whether systemd has a unit of that name loaded. */
    public boolean hasUnit(String unit) {
        try {
            manager.GetUnit(unit);
            return true;
        } catch (NoSuchUnit e) {
            return false;
        } catch (DBusExecutionException e) {
            throw refused(unit, "look up", e);
        }
    }

    private void resetFailedQuietly(String unit) {
        try {
            manager.ResetFailedUnit(unit);
        } catch (DBusExecutionException e) {
            // not failed, or gone: nothing to reset
        }
    }

    private RuntimeException refused(String unit, String what, DBusExecutionException e) {
        if (!bus.isConnected()) {
            return new SystemdUnavailableException("the cgroup driver is \"systemd\" but the D-Bus connection to"
                    + " systemd is gone (" + e.getMessage() + "): cannot " + what + " " + unit
                    + "; restart jcri once the system bus runs again", e);
        }
        return new SystemdJobException("systemd refused to " + what + " " + unit + ": " + e.getMessage(), e);
    }

    private void jobRemoved(SystemdManager.JobRemoved signal) {
        if (watched.contains(signal.unit())) {
            jobs.computeIfAbsent(signal.jobPath(), k -> new CompletableFuture<>()).complete(signal.result());
        }
    }

    private String await(DBusPath job, String unit) {
        CompletableFuture<String> f = jobs.computeIfAbsent(job.getPath(), k -> new CompletableFuture<>());
        try {
            return f.get(JOB_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new SystemdJobException("systemd did not finish the job " + job.getPath() + " for " + unit
                    + " within " + JOB_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SystemdJobException("interrupted while waiting for systemd's job for " + unit, e);
        } catch (ExecutionException e) {
            throw new SystemdJobException("waiting for systemd's job for " + unit + ": " + e.getCause(), e);
        } finally {
            jobs.remove(job.getPath());
        }
    }

    @Override
    public void close() {
        bus.disconnect();
    }
}
