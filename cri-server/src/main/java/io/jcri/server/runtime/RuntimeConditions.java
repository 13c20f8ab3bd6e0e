package io.jcri.server.runtime;

import io.jcri.cri.v1.RuntimeCondition;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The conditions of {@code Status}, kept in memory so that a Status call only reads a field (it is answered on the
 * netty event loop, as kubelet calls it every few seconds). As containerd's CRI plugin does (its cniNetConfSyncer
 * reloads the CNI network when fsnotify reports a change in the conf dir, and Status reads what was loaded), one
 * long-lived thread re-probes every condition as soon as inotify (the JDK's WatchService) reports a change in the
 * CNI conf dir or a CNI bin dir, and at least every {@code period} for what no event announces (the root and state
 * dirs' permissions, the cgroup mounts, a watched dir that does not exist yet). A dir that does not exist is watched
 * through its nearest existing parent, so its creation is noticed at once too.
 *
 * <p>Unlike containerd, which reports RuntimeReady true always, jcri keeps its own probes ({@link RuntimeReadyProbe},
 * {@link NetworkReadyProbe}); only when they run changed, not what they answer.
 */
public final class RuntimeConditions implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RuntimeConditions.class.getName());

    private final List<ConditionProbe> probes;
    private final List<Path> watched;
    private final Duration period;
    private final WatchService watcher;
    private final Map<Path, WatchKey> keys = new HashMap<>();
    private final Thread thread;
    private volatile List<RuntimeCondition> current;
    private volatile boolean closed;

    /**
     * Probes once (so the first Status has an answer) and starts the watching thread.
     *
     * @param watched the dirs whose changes change a condition at once (the CNI conf dir, the CNI bin dirs)
     */
    public RuntimeConditions(List<ConditionProbe> probes, List<Path> watched, Duration period) {
        this.probes = List.copyOf(probes);
        this.watched = List.copyOf(watched);
        this.period = period;
        this.watcher = openWatcher();
        // watched before probing, so that no change falls between what the probe saw and the first event
        watch();
        this.current = probeAll();
        thread = new Thread(this::loop, "jcri-status-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private static WatchService openWatcher() {
        try {
            return FileSystems.getDefault().newWatchService();
        } catch (IOException | UnsupportedOperationException e) {
            // e.g. the inotify instances limit (fs.inotify.max_user_instances) reached: changes are then seen
            // at the next period only
            LOG.warning("cannot watch the CNI dirs (" + e.getMessage() + "): Status conditions are re-checked"
                    + " periodically only");
            return null;
        }
    }

    /** The conditions as last probed (an immutable list, a new one after each refresh): what Status answers. */
    public List<RuntimeCondition> current() {
        return current;
    }

    /** Probes every condition now (off the event loop: probes read files), stores and returns the result. */
    public synchronized List<RuntimeCondition> refresh() {
        List<RuntimeCondition> fresh = probeAll();
        if (!fresh.equals(current)) {
            LOG.info("runtime conditions now " + describe(fresh));
            // a new list only on a change: a Status that rebuilt its answer for the old one keeps it otherwise
            current = fresh;
        }
        return current;
    }

    private List<RuntimeCondition> probeAll() {
        List<RuntimeCondition> conditions = new ArrayList<>(probes.size());
        for (ConditionProbe p : probes) {
            conditions.add(p.probe());
        }
        return List.copyOf(conditions);
    }

    private static String describe(List<RuntimeCondition> conditions) {
        StringBuilder s = new StringBuilder();
        for (RuntimeCondition c : conditions) {
            s.append(s.isEmpty() ? "" : ", ").append(c.getType()).append('=').append(c.getStatus());
            if (!c.getStatus()) {
                s.append(" (").append(c.getMessage()).append(')');
            }
        }
        return s.toString();
    }

    private void loop() {
        long periodNanos = period.toNanos();
        while (!closed) {
            try {
                if (watcher == null) {
                    TimeUnit.NANOSECONDS.sleep(periodNanos);
                } else {
                    WatchKey key = watcher.poll(periodNanos, TimeUnit.NANOSECONDS);
                    // one refresh for a burst of events (an editor's write is create, modify, rename)
                    while (key != null) {
                        key.pollEvents();
                        key.reset();
                        key = watcher.poll();
                    }
                }
                // (re-)register first: a file written into a dir that just appeared is then either seen by this
                // refresh or reported by the new key (the other order lost it until the period)
                watch();
                refresh();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "re-checking the runtime conditions failed", e);
            }
        }
    }

    /**
     * Watches each dir, or its nearest existing parent while it does not exist; a key whose dir went away (its
     * key is no longer valid) is replaced by one on the parent. Called after every refresh.
     */
    private synchronized void watch() {
        if (watcher == null) {
            return;
        }
        for (Path dir : watched) {
            Path target = dir.toAbsolutePath();
            while (target != null && !Files.isDirectory(target)) {
                target = target.getParent();
            }
            WatchKey key = keys.get(dir);
            if (key != null && key.isValid() && key.watchable().equals(target)) {
                continue;
            }
            keys.remove(dir);
            // the JDK hands out one key per watched dir: the parent's may still serve another dir
            if (key != null && !keys.containsValue(key)) {
                key.cancel();
            }
            if (target == null) {
                continue;
            }
            try {
                keys.put(dir, target.register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY));
            } catch (IOException | ClosedWatchServiceException e) {
                LOG.log(Level.FINE, "cannot watch " + target + ": " + e.getMessage());
            }
        }
    }

    /** Ends the watching thread. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                LOG.log(Level.FINE, "closing the CNI dir watcher: " + e.getMessage());
            }
        }
    }
}
