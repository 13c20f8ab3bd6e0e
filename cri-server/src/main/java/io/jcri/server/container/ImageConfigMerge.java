package io.jcri.server.container;

import io.jcri.cri.v1.ContainerConfig;
import io.jcri.cri.v1.KeyValue;
import io.jcri.image.manifest.ImageConfig;
import io.jcri.runtime.ProcessSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The image config merged with the CRI request the way Docker and containerd do: {@code command} replaces the
 * image's Entrypoint (and drops its Cmd), {@code args} replace Cmd; request env overrides image env by key;
 * the request's working dir wins over the image's.
 */
public final class ImageConfigMerge {
    private ImageConfigMerge() {
    }

    public static List<String> argv(ContainerConfig request, ImageConfig image) {
        List<String> argv = new ArrayList<>();
        if (request.getCommandCount() > 0) {
            argv.addAll(request.getCommandList());
            argv.addAll(request.getArgsList());
        } else {
            argv.addAll(image.entrypoint());
            argv.addAll(request.getArgsCount() > 0 ? request.getArgsList() : image.cmd());
        }
        return argv;
    }

    public static List<String> env(ContainerConfig request, ImageConfig image, String hostname) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String kv : image.env()) {
            int eq = kv.indexOf('=');
            env.put(eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? "" : kv.substring(eq + 1));
        }
        env.putIfAbsent("PATH", ProcessSpec.DEFAULT_PATH);
        if (hostname != null && !hostname.isEmpty()) {
            env.put("HOSTNAME", hostname);
        }
        for (KeyValue kv : request.getEnvsList()) {
            env.put(kv.getKey(), kv.getValue());
        }
        List<String> out = new ArrayList<>();
        env.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    public static String workingDir(ContainerConfig request, ImageConfig image) {
        if (!request.getWorkingDir().isEmpty()) {
            return request.getWorkingDir();
        }
        return image.workingDir().isEmpty() ? "/" : image.workingDir();
    }
}
