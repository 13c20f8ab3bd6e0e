package io.jcri.server.container;

import io.jcri.cri.v1.ContainerState;
import io.jcri.cri.v1.ImageSpec;
import io.jcri.server.store.Container;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The ListContainers entry of each container, built once per container and state. Everything in an entry but
 * the state is fixed when the container is created (id, sandbox, metadata, image as requested, image id, creation
 * time, labels, annotations), so a relist of 100 containers copies no label maps: it picks one of at most four
 * messages per container. Entries are held by the store's {@link Container} object (weakly, by identity), so a
 * removed container's entries go with it.
 */
final class ListEntries {
    private final Map<Container, AtomicReferenceArray<io.jcri.cri.v1.Container>> byContainer =
            Collections.synchronizedMap(new WeakHashMap<>());

    io.jcri.cri.v1.Container of(Container c, ContainerState state) {
        AtomicReferenceArray<io.jcri.cri.v1.Container> perState = byContainer.computeIfAbsent(c,
                k -> new AtomicReferenceArray<>(ContainerState.values().length));
        int i = state.ordinal();
        io.jcri.cri.v1.Container e = perState.get(i);
        if (e == null) {
            // a race builds the same message twice, which is harmless
            e = build(c, state);
            perState.set(i, e);
        }
        return e;
    }

    private static io.jcri.cri.v1.Container build(Container c, ContainerState state) {
        return io.jcri.cri.v1.Container.newBuilder()
                .setId(c.id())
                .setPodSandboxId(c.sandboxId())
                .setMetadata(c.config().getMetadata())
                .setImage(ImageSpec.newBuilder().setImage(c.imageName()))
                .setImageRef(c.imageId())
                .setImageId(c.imageId())
                .setState(state)
                .setCreatedAt(c.createdAtNanos())
                .putAllLabels(c.config().getLabelsMap())
                .putAllAnnotations(c.config().getAnnotationsMap())
                .build();
    }
}
