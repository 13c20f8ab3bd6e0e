package io.jcri.runtime.cgroup;

import io.jcri.runtime.cgroup.systemd.ResourceProperties;
import io.jcri.runtime.cgroup.systemd.Systemd;
import io.jcri.runtime.cgroup.systemd.UnitProperty;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A container's cgroup as a transient systemd scope ({@code jcri-<id>.scope}, as containerd's
 * {@code cri-containerd-<id>.scope}) in its pod's slice, cgroup v2 only. systemd creates (and removes) the
 * directory, knows it as one of its units and never resets its controllers or limits. Follows runc's systemd
 * driver (libcontainer/cgroups/systemd/v2.go):
 * <ul>
 *   <li>a scope cannot exist without a process (systemd 252 refuses an empty one), so {@link #create()},
 *   {@link #apply} and {@link #restrictDevices} before the first {@link #addProcess} only remember; the first
 *   process (held at the launch's gate, before any user code) is the unit's {@code PIDs}, and
 *   StartTransientUnit carries Slice=, Delegate=yes, the accounting switches, DefaultDependencies=no and the
 *   limits as unit properties ({@link ResourceProperties}); the start job is awaited;</li>
 *   <li>then, as runc's Set, every limit is also written to the files (hugetlb, unified files without a property,
 *   exact cpu.max) and jcri's eBPF device filter attached (systemd's program is not used: systemd only replaces
 *   its own, BPF_F_ALLOW_MULTI);</li>
 *   <li>a live update is SetUnitProperties (runtime) and then the files;</li>
 *   <li>{@link #destroy()} is StopUnit (awaited) and ResetFailedUnit; systemd removes the directory.</li>
 * </ul>
 * When the container's last process exits, systemd stops the scope by itself and removes its directory; reading
 * statistics then finds nothing (zeros), like a cgroupfs cgroup that was removed.
 */
final class SystemdScope implements Cgroup {
    private final Systemd systemd;
    private final OomKillWatch oomWatch;
    private final V2Cgroup files;
    private final String unit;
    private final String slice;
    private final String description;
    private final List<Resources> pending = new ArrayList<>();
    private List<DeviceRule> pendingDevices;
    private boolean started;
    /** memory.events followed from the start: the directory is gone when the exit is handled (null: not yet). */
    private volatile OomKillWatch.Watched oomKills;

    /**
     * @param root         the cgroup2 mount
     * @param relativePath the scope's directory below it (the slice's expansion plus the unit name)
     * @param slice        the Slice= unit name ("-.slice" for the root slice)
     */
    SystemdScope(Systemd systemd, OomKillWatch oomWatch, Path root, String relativePath, String unit, String slice,
                 String description) {
        this.systemd = systemd;
        this.oomWatch = oomWatch;
        this.files = new V2Cgroup(root, relativePath);
        this.unit = unit;
        this.slice = slice;
        this.description = description;
    }

    String unit() {
        return unit;
    }

    /** True once the unit was started here, or (a daemon restart) its directory exists. */
    private boolean started() {
        if (!started && Files.isDirectory(files.path())) started = true;
        if (started && oomKills == null && oomWatch != null) oomKills = oomWatch.watch(files.path());
        return started;
    }

    @Override
    public synchronized void create() {
        // the unit is started with its first process (addProcess)
    }

    @Override
    public synchronized void apply(Resources resources) {
        V2ResourceFiles.of(resources); // refuses impossible combinations now, as the cgroupfs driver does
        if (!started()) {
            pending.add(resources);
            return;
        }
        systemd.setUnitProperties(unit, ResourceProperties.of(resources, systemd.version()));
        files.apply(resources);
    }

    @Override
    public void addCurrentThread() {
        files.addCurrentThread(); // throws: a thread cannot join a v2 domain cgroup
    }

    @Override
    public synchronized boolean restrictDevices(List<DeviceRule> allowed) {
        if (!started()) {
            pendingDevices = List.copyOf(allowed);
            return true;
        }
        return files.restrictDevices(allowed);
    }

    @Override
    public synchronized void addProcess(long pid) {
        if (started()) {
            files.addProcess(pid);
            return;
        }
        List<UnitProperty> properties = new ArrayList<>(List.of(
                UnitProperty.string("Description", description),
                UnitProperty.string("Slice", slice),
                UnitProperty.bool("Delegate", true),
                UnitProperty.pids(List.of(pid)),
                UnitProperty.bool("MemoryAccounting", true),
                UnitProperty.bool("CPUAccounting", true),
                UnitProperty.bool("IOAccounting", true),
                UnitProperty.bool("TasksAccounting", true),
                UnitProperty.bool("DefaultDependencies", false)));
        for (Resources r : pending) properties.addAll(ResourceProperties.of(r, systemd.version()));
        systemd.startTransientUnit(unit, properties);
        started = true;
        if (oomWatch != null) oomKills = oomWatch.watch(files.path());
        if (pendingDevices != null) files.restrictDevices(pendingDevices);
        for (Resources r : pending) files.apply(r);
        pending.clear();
        pendingDevices = null;
    }

    @Override
    public List<Long> pids() {
        return files.pids();
    }

    @Override
    public CgroupStats stats() {
        return files.stats();
    }

    @Override
    public long oomKillCount() {
        OomKillWatch.Watched w = oomKills;
        if (w == null) {
            synchronized (this) {
                started(); // a scope found after a daemon restart: follow it from now on
            }
            w = oomKills;
        }
        return w == null ? files.oomKillCount() : w.oomKills();
    }

    @Override
    public void killAll() {
        files.killAll();
    }

    @Override
    public synchronized void destroy() {
        if (oomKills != null) oomKills.close();
        oomKills = null;
        systemd.stopUnit(unit);
        CgroupDirectories.remove(files.path()); // systemd removed it; as runc, make sure
        started = false;
        pending.clear();
    }

    /** Before the unit exists: whether its slice's cgroup accounts swap (the scope inherits that). */
    @Override
    public boolean accountsSwap() {
        if (started()) return files.accountsSwap();
        Path parent = files.path().getParent();
        return Files.exists(parent.resolve("memory.swap.max"))
                || Files.exists(parent.resolve("memory.swap.current")); // the root cgroup has no *.max
    }

    @Override
    public Path path() {
        return files.path();
    }

    @Override
    public String toString() {
        return "systemd scope " + unit + " (" + files.path() + ")";
    }
}
