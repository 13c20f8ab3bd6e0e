package io.jcri.server.validation;

import io.jcri.cri.v1.ContainerConfig;
import io.jcri.server.grpc.CriException;

/**
 * What CreateContainer checks of its config before it creates anything: sizes, the log path, id ranges, the
 * resources. (Process limits are checked on the command line as merged with the image, see
 * {@link ProcessLimits}.)
 */
public final class ContainerRequestLimits {
    private static final String RPC = "CreateContainer";

    private ContainerRequestLimits() {
    }

    public static void check(ContainerConfig config) {
        Sizes.atMost(RPC, "config.metadata.name", config.getMetadata().getName(), Sizes.NAME);
        Sizes.map(RPC, "config.labels", config.getLabelsMap(), Sizes.LABELS_TOTAL);
        Sizes.map(RPC, "config.annotations", config.getAnnotationsMap(), Sizes.ANNOTATIONS_TOTAL);
        Sizes.atMost(RPC, "config.log_path", config.getLogPath(), Sizes.PATH);
        Sizes.atMost(RPC, "config.working_dir", config.getWorkingDir(), Sizes.PATH);
        Sizes.atMost(RPC, "config.image.image", config.getImage().getImage(), Sizes.PATH);
        for (int i = 0; i < config.getMountsCount(); i++) {
            Sizes.atMost(RPC, "config.mounts[" + i + "].host_path", config.getMounts(i).getHostPath(), Sizes.PATH);
            Sizes.atMost(RPC, "config.mounts[" + i + "].container_path", config.getMounts(i).getContainerPath(),
                    Sizes.PATH);
        }
        IdRanges.container(RPC, config.getLinux().getSecurityContext());
        ResourceChecks.check(RPC, "config.linux.resources", config.getLinux().getResources());
        if (config.getLinux().getSecurityContext().getNamespaceOptions().getPid()
                == io.jcri.cri.v1.NamespaceMode.TARGET
                && config.getLinux().getSecurityContext().getNamespaceOptions().getTargetId().isEmpty()) {
            throw CriException.invalidArgument(RPC + ": config.linux.security_context.namespace_options.pid is"
                    + " TARGET but target_id is empty");
        }
    }
}
