package io.jcri.server.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.jcri.cri.v1.RuntimeCondition;
import io.jcri.cri.v1.RuntimeFeatures;
import io.jcri.cri.v1.RuntimeHandler;
import io.jcri.cri.v1.RuntimeHandlerFeatures;
import io.jcri.cri.v1.RuntimeStatus;
import io.jcri.cri.v1.StatusRequest;
import io.jcri.cri.v1.StatusResponse;
import io.jcri.server.BuildInfo;
import io.jcri.server.config.JcriConfig;
import io.jcri.runtime.kernel.KernelFeature;
import io.jcri.runtime.kernel.KernelFeatures;
import io.jcri.server.network.PodNetwork;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code Status}: the RuntimeReady and NetworkReady conditions; with {@code verbose}, the effective
 * configuration as JSON under {@code config} (what {@code crictl info} prints and people paste into bug reports),
 * and, under containerd's keys, the CNI network config as loaded ({@code cniconfig}) and {@code lastCNILoadStatus}
 * ("OK" or why no pod can get a network: what operators read when NetworkReady is false), and jcri's own
 * {@code kernelFeatures}: the kernel release and, for each kernel feature jcri uses where it exists, whether
 * this kernel has it (each missing one has a fallback, see {@link KernelFeature}).
 *
 * <p>The conditions come from memory ({@link RuntimeConditions}, kept current by a watcher, as containerd's CNI
 * conf syncer does), so the plain Status kubelet sends every few seconds reads no file and is answered on the event
 * loop; its answer is built once per change of the conditions. A verbose Status (it reads files and renders JSON,
 * on the worker pool) probes the conditions afresh.
 */
public final class StatusRpc {
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new SimpleModule().addSerializer(Path.class, ToStringSerializer.instance));

    private final JcriConfig config;
    private final RuntimeSettings settings;
    private final RuntimeConditions conditions;
    private final PodNetwork network;
    private final KernelFeatures kernel;
    /** The plain answer and the conditions it was built from. */
    private volatile Plain plain;

    private record Plain(List<RuntimeCondition> conditions, StatusResponse response) {
    }

    public StatusRpc(JcriConfig config, RuntimeSettings settings, RuntimeConditions conditions, PodNetwork network,
            KernelFeatures kernel) {
        this.kernel = kernel;
        this.config = config;
        this.settings = settings;
        this.conditions = conditions;
        this.network = network;
    }

    public StatusResponse status(StatusRequest request) {
        if (request.getVerbose()) {
            StatusResponse.Builder response = response(conditions.refresh());
            response.putAllInfo(verboseInfo());
            return response.build();
        }
        List<RuntimeCondition> now = conditions.current();
        Plain p = plain;
        if (p == null || p.conditions() != now) {
            p = new Plain(now, response(now).build());
            plain = p;
        }
        return p.response();
    }

    private StatusResponse.Builder response(List<RuntimeCondition> now) {
        return StatusResponse.newBuilder()
                .setStatus(RuntimeStatus.newBuilder().addAllConditions(now))
                // recursive read-only mounts: mount_setattr(AT_RECURSIVE) (kernel 5.12+), offered only where the
                // kernel has it, as containerd does (kubelet then refuses such pods itself); no user namespaces yet
                .addRuntimeHandlers(RuntimeHandler.newBuilder().setName("")
                        .setFeatures(RuntimeHandlerFeatures.newBuilder()
                                .setRecursiveReadOnlyMounts(kernel.has(KernelFeature.MOUNT_SETATTR))))
                .setFeatures(RuntimeFeatures.getDefaultInstance());
    }

    private Map<String, String> verboseInfo() {
        Map<String, String> info = new LinkedHashMap<>();
        try {
            info.put("config", JSON.writeValueAsString(config));
            info.put("runtimeConfig", JSON.writeValueAsString(Map.of("podCIDR", settings.podCidr())));
            info.put("version", JSON.writeValueAsString(BuildInfo.version()));
            info.put("cniconfig", JSON.writeValueAsString(network.configInfo()));
            info.put("lastCNILoadStatus", network.loadStatus());
            Map<String, Object> features = new LinkedHashMap<>();
            features.put("release", kernel.release());
            features.putAll(kernel.asMap());
            info.put("kernelFeatures", JSON.writeValueAsString(features));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the configuration as JSON", e);
        }
        return info;
    }
}
