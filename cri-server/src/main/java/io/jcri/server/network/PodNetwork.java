package io.jcri.server.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jcri.runtime.CrashPoints;
import io.jcri.runtime.Phases;
import io.jcri.runtime.pod.PodLoopback;
import io.jcri.server.metrics.CniMetrics;
import io.prometheus.client.Histogram;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Pod networking through CNI: ADD when a sandbox runs ({@code lo} up in-process first, then the pod network on
 * {@code eth0}), DEL when it stops, CHECK on request. Results are cached on disk, so DEL works after a daemon restart.
 */
public final class PodNetwork {
    static final String POD_INTERFACE = "eth0";
    private static final Logger LOG = Logger.getLogger(PodNetwork.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path confDir;
    private final CniPluginLocator locator;
    private final CniResultCache cache;
    private final CniPluginExec exec;
    /** The fsyncs of attach's cache writes not yet awaited, by sandbox. */
    private final Map<String, CompletableFuture<Void>> unsynced = new ConcurrentHashMap<>();

    public PodNetwork(Path confDir, List<Path> binDirs, Path cacheDir, Duration pluginTimeout) {
        this.confDir = confDir;
        this.locator = new CniPluginLocator(binDirs);
        this.cache = new CniResultCache(cacheDir);
        this.exec = new CniPluginExec(pluginTimeout);
    }

    /** Ready when a valid network config exists and every plugin it names is installed. */
    public Readiness readiness() {
        CniConfigLoader.Loaded loaded = CniConfigLoader.load(confDir);
        if (loaded.network().isEmpty()) {
            return new Readiness(false, "cni config uninitialized: " + String.join("; ", loaded.problems()));
        }
        CniNetworkConfig network = loaded.network().get();
        List<String> missing = new ArrayList<>();
        for (String type : requiredPlugins(network)) {
            if (locator.find(type).isEmpty()) {
                missing.add(type);
            }
        }
        if (!missing.isEmpty()) {
            return new Readiness(false, "CNI plugins " + missing + " of network \"" + network.name() + "\" ("
                    + network.source() + ") not found in " + locator.binDirs());
        }
        return new Readiness(true, "network \"" + network.name() + "\" from " + network.source());
    }

    /** The pod network's plugins; not loopback, which jcri does not exec (lo is brought up in-process). */
    private static List<String> requiredPlugins(CniNetworkConfig network) {
        return network.pluginTypes();
    }

    /** Runs ADD for loopback and the pod network; on failure undoes what was done and throws. */
    public CniResult attach(PodNetworkRequest request) {
        return attach(request, Phases.NONE);
    }

    /**
     * As {@link #attach(PodNetworkRequest)}, marking in {@code phases} the cache writes, lo and each plugin of the
     * pod network ({@code network.<type>}): how much of RunPodSandbox is the plugins' own time.
     */
    public CniResult attach(PodNetworkRequest request, Phases phases) {
        CniNetworkConfig network = CniConfigLoader.load(confDir).network().orElseThrow(() ->
                new CniException("no usable CNI network config in " + confDir));
        ObjectNode conflist = conflist(network);
        ObjectNode runtimeConfig = runtimeConfig(request);
        ObjectNode entry = JSON.createObjectNode();
        entry.set("config", conflist);
        entry.put("netns", request.netns().toString());
        entry.put("args", request.cniArgs());
        entry.set("runtimeConfig", runtimeConfig);
        // cache before ADD: if the daemon dies half-way, DEL still knows what to undo. Its fsync runs beside the
        // plugins (only a power loss in those few ms could lose it: with the netns, veth and iptables rules, all
        // but host-local's lease, which containerd's cache, written after ADD and never fsynced, leaves too)
        CompletableFuture<Void> cachedSynced = cache.putSyncLater(request.sandboxId(), entry);
        phases.mark("network.cache");
        CrashPoints.reach(CrashPoints.SANDBOX_CNI_CACHED);
        int[] pluginsRun = {0};
        try {
            entry.set("loopbackResult", loopbackUp(request.netns()));
            phases.mark("network.lo");
            CrashPoints.reach(CrashPoints.SANDBOX_LOOPBACK_UP);
            ObjectNode result = runChain(conflist, "ADD", env(request.sandboxId(), request.netns(), POD_INTERFACE,
                    request.cniArgs()), null, runtimeConfig, pluginsRun, phases);
            if (result == null) {
                throw new CniException("CNI network \"" + network.name() + "\" returned no result for ADD");
            }
            CrashPoints.reach(CrashPoints.SANDBOX_CNI_ADDED);
            entry.set("result", result);
            CompletableFuture<Void> resultSynced = cache.putSyncLater(request.sandboxId(), entry);
            unsynced.put(request.sandboxId(), CompletableFuture.allOf(cachedSynced, resultSynced));
            phases.mark("network.result-cached");
            return new CniResult(result);
        } catch (RuntimeException e) {
            if (pluginsRun[0] == 0) {
                // no plugin of the pod network ran (loopback holds nothing): there is nothing for DEL to release
                cache.remove(request.sandboxId());
                throw e;
            }
            try {
                detach(request.sandboxId());
            } catch (RuntimeException undo) {
                // the cache entry stays: it is what a later DEL (sandbox removal, start-up sweep) needs
                LOG.warning("CNI DEL after the failed ADD of " + request.sandboxId() + " failed too, its cache entry"
                        + " is kept for a later DEL: " + undo.getMessage());
                e.addSuppressed(undo);
            }
            throw e;
        }
    }

    /**
     * Waits until the cache entry of the sandbox's {@link #attach} is on the disk (its fsync overlaps the plugins
     * and the caller's own record write); RunPodSandbox calls it before it answers.
     */
    public void awaitCached(String sandboxId) {
        CompletableFuture<Void> pending = unsynced.remove(sandboxId);
        if (pending == null) {
            return;
        }
        try {
            pending.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw new CniException("the CNI cache entry of " + sandboxId + " is not on the disk: "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        }
    }

    /** Runs DEL (in reverse plugin order, with the cached result) and forgets the sandbox; idempotent. */
    public void detach(String sandboxId) {
        detach(sandboxId, Phases.NONE);
    }

    /** As {@link #detach(String)}, marking each plugin's DEL ({@code network.<type>}) in {@code phases}. */
    public void detach(String sandboxId, Phases phases) {
        unsynced.remove(sandboxId); // nothing left to make durable once DEL has run (a failed ADD's undo too)
        Optional<ObjectNode> cached = cache.get(sandboxId);
        if (cached.isEmpty()) {
            return;
        }
        ObjectNode entry = cached.get();
        Path netns = Path.of(entry.path("netns").asText());
        String args = entry.path("args").asText();
        ObjectNode conflist = (ObjectNode) entry.get("config");
        JsonNode result = entry.get("result");
        ObjectNode runtimeConfig = entry.has("runtimeConfig") ? (ObjectNode) entry.get("runtimeConfig")
                : JSON.createObjectNode();
        // no DEL for loopback: it holds nothing outside the netns, which goes when the sandbox's pins do (CRI-O
        // runs none either; containerd's go-cni execs the loopback plugin's DEL, a no-op for it)
        runChainReverse(conflist, "DEL", env(sandboxId, netns, POD_INTERFACE, args), result, runtimeConfig, phases);
        cache.remove(sandboxId);
    }

    /** Runs CHECK against the cached result; throws if the network of the sandbox is not as ADD left it. */
    public void check(String sandboxId) {
        ObjectNode entry = cache.get(sandboxId).orElseThrow(() ->
                new CniException("no network was set up for sandbox " + sandboxId));
        ObjectNode conflist = (ObjectNode) entry.get("config");
        Path netns = Path.of(entry.path("netns").asText());
        runChain(conflist, "CHECK", env(sandboxId, netns, POD_INTERFACE, entry.path("args").asText()),
                entry.get("result"), (ObjectNode) entry.get("runtimeConfig"), new int[1], Phases.NONE);
    }

    /** The sandboxes that have a cache entry, i.e. whose ADD started and whose DEL has not finished. */
    public java.util.List<String> cachedSandboxIds() {
        return cache.ids();
    }

    /** The cached ADD result of a sandbox, for status after a restart. */
    public Optional<CniResult> cachedResult(String sandboxId) {
        return cache.get(sandboxId).filter(e -> e.get("result") instanceof ObjectNode)
                .map(e -> new CniResult((ObjectNode) e.get("result")));
    }

    /** {@code crictl info}'s {@code cniconfig}: the network config as loaded now, in containerd's shape. */
    public Map<String, Object> configInfo() {
        CniConfigLoader.Loaded loaded = CniConfigLoader.load(confDir);
        return CniInfo.config(locator.binDirs(), confDir, loopback(), loaded.network().orElse(null));
    }

    /** {@code crictl info}'s {@code lastCNILoadStatus}: "OK", or why no pod can get a network now. */
    public String loadStatus() {
        Readiness r = readiness();
        return r.ready() ? "OK" : r.message();
    }

    /** {@code crictl inspectp}'s {@code cniResult}: the cached ADD results of a sandbox in containerd's shape. */
    public Optional<Map<String, Object>> resultInfo(String sandboxId) {
        return cache.get(sandboxId).filter(e -> e.get("result") instanceof ObjectNode).map(e -> {
            List<JsonNode> results = new ArrayList<>();
            if (e.get("loopbackResult") instanceof ObjectNode lo) {
                results.add(lo);
            }
            results.add(e.get("result"));
            return CniInfo.result(results);
        });
    }

    /**
     * lo up in the pod's netns, in-process (see {@link PodLoopback} for why not the loopback plugin), and the ADD
     * result the loopback plugin would have printed, for {@code cniResult}.
     */
    private static ObjectNode loopbackUp(Path netns) {
        List<String> addresses;
        try {
            addresses = PodLoopback.up(netns);
        } catch (RuntimeException e) {
            throw new CniException("cannot bring lo up in " + netns + ": " + e.getMessage(), e);
        }
        ObjectNode r = JSON.createObjectNode();
        r.put("cniVersion", "1.0.0");
        ObjectNode lo = r.putArray("interfaces").addObject();
        lo.put("name", "lo");
        lo.put("mac", "00:00:00:00:00:00");
        lo.put("sandbox", netns.toString());
        ArrayNode ips = r.putArray("ips");
        for (String address : addresses) {
            ips.addObject().put("interface", 0).put("address", address);
        }
        r.putObject("dns");
        return r;
    }

    /** Runs the plugins in order; {@code ran[0]} counts those that were started (they may hold something). */
    private ObjectNode runChain(ObjectNode conflist, String command, Map<String, String> env, JsonNode prevResult,
                                ObjectNode runtimeConfig, int[] ran, Phases phases) {
        return timed(command, () -> runChainUntimed(conflist, command, env, prevResult, runtimeConfig, ran, phases));
    }

    /** Runs one CNI operation, observing its latency and counting its failure. */
    private static <T> T timed(String command, Supplier<T> operation) {
        Histogram.Timer timer = CniMetrics.DURATION.labels(command).startTimer();
        try {
            return operation.get();
        } catch (RuntimeException e) {
            CniMetrics.FAILURES.labels(command).inc();
            throw e;
        } finally {
            timer.observeDuration();
        }
    }

    private ObjectNode runChainUntimed(ObjectNode conflist, String command, Map<String, String> env,
                                       JsonNode prevResult, ObjectNode runtimeConfig, int[] ran, Phases phases) {
        JsonNode prev = prevResult;
        for (JsonNode plugin : conflist.get("plugins")) {
            String type = plugin.path("type").asText();
            ObjectNode out = exec.run(locator.require(type), command, env,
                    pluginInput(conflist, (ObjectNode) plugin, prev, runtimeConfig), () -> ran[0]++);
            phases.mark("network." + type);
            if (command.equals("ADD")) {
                prev = out;
            }
        }
        return prev instanceof ObjectNode o ? o : null;
    }

    private void runChainReverse(ObjectNode conflist, String command, Map<String, String> env, JsonNode prevResult,
                                 ObjectNode runtimeConfig, Phases phases) {
        timed(command, () -> {
            runChainReverseUntimed(conflist, command, env, prevResult, runtimeConfig, phases);
            return null;
        });
    }

    private void runChainReverseUntimed(ObjectNode conflist, String command, Map<String, String> env,
                                        JsonNode prevResult, ObjectNode runtimeConfig, Phases phases) {
        List<JsonNode> plugins = new ArrayList<>();
        conflist.get("plugins").forEach(plugins::add);
        CniException first = null;
        for (int i = plugins.size() - 1; i >= 0; i--) {
            ObjectNode plugin = (ObjectNode) plugins.get(i);
            String type = plugin.path("type").asText();
            try {
                exec.run(locator.require(type), command, env,
                        pluginInput(conflist, plugin, prevResult, runtimeConfig), () -> { });
                phases.mark("network." + type);
            } catch (CniException e) {
                // keep going: every plugin gets its chance to release what it holds
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static ObjectNode pluginInput(ObjectNode conflist, ObjectNode plugin, JsonNode prevResult,
                                          ObjectNode runtimeConfig) {
        ObjectNode in = plugin.deepCopy();
        in.put("name", conflist.path("name").asText());
        in.put("cniVersion", conflist.path("cniVersion").asText());
        if (prevResult != null && !prevResult.isNull()) {
            in.set("prevResult", prevResult);
        } else {
            in.remove("prevResult");
        }
        ObjectNode rc = JSON.createObjectNode();
        JsonNode caps = plugin.path("capabilities");
        runtimeConfig.fields().forEachRemaining(f -> {
            if (caps.path(f.getKey()).asBoolean(false)) {
                rc.set(f.getKey(), f.getValue());
            }
        });
        if (!rc.isEmpty()) {
            in.set("runtimeConfig", rc);
        }
        return in;
    }

    private static ObjectNode runtimeConfig(PodNetworkRequest request) {
        ObjectNode rc = JSON.createObjectNode();
        if (!request.portMappings().isEmpty()) {
            ArrayNode ports = rc.putArray("portMappings");
            for (PortMapping pm : request.portMappings()) {
                ObjectNode p = ports.addObject();
                p.put("hostPort", pm.hostPort());
                p.put("containerPort", pm.containerPort());
                p.put("protocol", pm.protocol());
                if (!pm.hostIp().isEmpty()) {
                    p.put("hostIP", pm.hostIp());
                }
            }
        }
        return rc;
    }

    private Map<String, String> env(String sandboxId, Path netns, String ifName, String args) {
        Map<String, String> env = new HashMap<>();
        env.put("CNI_CONTAINERID", sandboxId);
        env.put("CNI_NETNS", netns.toString());
        env.put("CNI_IFNAME", ifName);
        env.put("CNI_ARGS", args);
        env.put("CNI_PATH", locator.cniPath());
        return env;
    }

    private static ObjectNode conflist(CniNetworkConfig network) {
        ObjectNode c = JSON.createObjectNode();
        c.put("cniVersion", network.cniVersion());
        c.put("name", network.name());
        ArrayNode plugins = c.putArray("plugins");
        network.plugins().forEach(plugins::add);
        return c;
    }

    private static ObjectNode loopback() {
        ObjectNode c = JSON.createObjectNode();
        c.put("cniVersion", "1.0.0");
        c.put("name", "cni-loopback");
        c.putArray("plugins").addObject().put("type", "loopback");
        return c;
    }

    /** Whether pods can get a network now, and why (not). */
    public record Readiness(boolean ready, String message) {
    }
}
