package io.jcri.server.sandbox;

import io.jcri.cri.v1.ListPodSandboxRequest;
import io.jcri.cri.v1.ListPodSandboxResponse;
import io.jcri.cri.v1.PodSandbox;
import io.jcri.cri.v1.PodSandboxFilter;
import io.jcri.server.store.BrokenRecords;
import io.jcri.server.store.Sandbox;
import io.jcri.server.store.SandboxStore;
import java.util.Comparator;

/** {@code ListPodSandbox} with the id (prefix), state and label-selector filters. */
public final class ListPodSandboxRpc {
    private final SandboxStore sandboxes;

    public ListPodSandboxRpc(SandboxStore sandboxes) {
        this.sandboxes = sandboxes;
    }

    public ListPodSandboxResponse list(ListPodSandboxRequest request) {
        PodSandboxFilter f = request.getFilter();
        ListPodSandboxResponse.Builder out = ListPodSandboxResponse.newBuilder();
        sandboxes.all().stream()
                .sorted(Comparator.comparingLong(Sandbox::createdAtNanos))
                .flatMap(sb -> BrokenRecords.render("sandbox", sb.id(), () -> PodSandboxStatusRpc.toStatus(sb))
                        .stream())
                .filter(s -> f.getId().isEmpty() || s.getId().startsWith(f.getId()))
                .filter(s -> !f.hasState() || s.getState() == f.getState().getState())
                .filter(s -> LabelSelector.matches(f.getLabelSelectorMap(), s.getLabelsMap()))
                .forEach(s -> out.addItems(PodSandbox.newBuilder()
                        .setId(s.getId())
                        .setMetadata(s.getMetadata())
                        .setState(s.getState())
                        .setCreatedAt(s.getCreatedAt())
                        .putAllLabels(s.getLabelsMap())
                        .putAllAnnotations(s.getAnnotationsMap())
                        .setRuntimeHandler(s.getRuntimeHandler())));
        return out.build();
    }

}
