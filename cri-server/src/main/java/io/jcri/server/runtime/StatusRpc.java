package io.jcri.server.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
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
 */
public final class StatusRpc {
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new SimpleModule().addSerializer(Path.class, ToStringSerializer.instance));

    private final JcriConfig config;
    private final RuntimeSettings settings;
    private final List<ConditionProbe> probes;
    private final PodNetwork network;
    private final KernelFeatures kernel;

    public StatusRpc(JcriConfig config, RuntimeSettings settings, List<ConditionProbe> probes, PodNetwork network,
            KernelFeatures kernel) {
        this.kernel = kernel;
        this.config = config;
        this.settings = settings;
        this.probes = List.copyOf(probes);
        this.network = network;
    }

    public StatusResponse status(StatusRequest request) {
        RuntimeStatus.Builder status = RuntimeStatus.newBuilder();
        probes.forEach(p -> status.addConditions(p.probe()));
        StatusResponse.Builder response = StatusResponse.newBuilder()
                .setStatus(status)
                // recursive read-only mounts: mount_setattr(AT_RECURSIVE) (kernel 5.12+), offered only where the
                // kernel has it, as containerd does (kubelet then refuses such pods itself); no user namespaces yet
                .addRuntimeHandlers(RuntimeHandler.newBuilder().setName("")
                        .setFeatures(RuntimeHandlerFeatures.newBuilder()
                                .setRecursiveReadOnlyMounts(kernel.has(KernelFeature.MOUNT_SETATTR))))
                .setFeatures(RuntimeFeatures.getDefaultInstance());
        if (request.getVerbose()) {
            response.putAllInfo(verboseInfo());
        }
        return response.build();
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
