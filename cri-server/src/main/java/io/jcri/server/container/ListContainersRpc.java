package io.jcri.server.container;

import io.jcri.cri.v1.ContainerFilter;
import io.jcri.cri.v1.ListContainersRequest;
import io.jcri.cri.v1.ListContainersResponse;
import io.jcri.runtime.ContainerRuntime;
import io.jcri.server.sandbox.LabelSelector;
import io.jcri.server.store.BrokenRecords;
import io.jcri.server.store.Container;
import io.jcri.server.store.ContainerStore;
import java.util.Comparator;

/** {@code ListContainers} with the id, state, pod sandbox id (prefixes) and label-selector filters. */
public final class ListContainersRpc {
    private final ContainerStore containers;
    private final ContainerRuntime runtime;
    private final ListEntries entries = new ListEntries();

    public ListContainersRpc(ContainerStore containers, ContainerRuntime runtime) {
        this.containers = containers;
        this.runtime = runtime;
    }

    public ListContainersResponse list(ListContainersRequest request) {
        ContainerFilter f = request.getFilter();
        ListContainersResponse.Builder out = ListContainersResponse.newBuilder();
        containers.all().stream()
                .sorted(Comparator.comparingLong(Container::createdAtNanos))
                .filter(c -> f.getId().isEmpty() || c.id().startsWith(f.getId()))
                .filter(c -> f.getPodSandboxId().isEmpty() || c.sandboxId().startsWith(f.getPodSandboxId()))
                .filter(c -> LabelSelector.matches(f.getLabelSelectorMap(), c.config().getLabelsMap()))
                .flatMap(c -> BrokenRecords.render("container", c.id(), () -> entry(c)).stream())
                .filter(e -> !f.hasState() || e.getState() == f.getState().getState())
                .forEach(out::addContainers);
        return out.build();
    }

    private io.jcri.cri.v1.Container entry(Container c) {
        return entries.of(c, ContainerStatusRpc.criState(ContainerStatusRpc.stateOf(runtime, c)));
    }
}
