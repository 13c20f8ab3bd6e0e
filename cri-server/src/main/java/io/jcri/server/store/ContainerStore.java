package io.jcri.server.store;

import io.jcri.server.grpc.CriException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Every CRI container, persisted under {@code <root>/cri/containers} so it survives a daemon restart. */
public final class ContainerStore {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(ContainerStore.class.getName());
    private final JsonFiles<Container.Record> files;
    private final EntityIndex<Container> index = new EntityIndex<>("container", Container::id);

    public ContainerStore(Path dir) {
        this.files = new JsonFiles<>(dir, Container.Record.class);
        for (Container.Record r : files.readAll()) {
            try {
                Container c = Container.fromRecord(r);
                index.reserve(c.fullName(), c.id());
                index.put(c);
            } catch (RuntimeException e) {
                // one broken record must not keep the daemon from starting or the others from being listed
                LOG.warning("skipping the container record " + r.id() + ": " + e.getMessage());
            }
        }
    }

    public void reserveName(String fullName, String id) {
        index.reserve(fullName, id);
    }

    public void releaseName(String fullName, String id) {
        index.release(fullName, id);
    }

    public void add(Container container) {
        files.write(container.id(), container.toRecord());
        index.put(container);
    }

    /** Replaces the record of a container that exists (same id), e.g. after its resources changed. */
    public void replace(Container container) {
        files.write(container.id(), container.toRecord());
        index.put(container);
    }

    public void remove(Container container) {
        files.delete(container.id());
        index.remove(container.id());
        index.release(container.fullName(), container.id());
    }

    public Optional<Container> find(String idOrPrefix) {
        return index.find(idOrPrefix);
    }

    /** The container, or NOT_FOUND with a message naming the id. */
    public Container get(String idOrPrefix) {
        if (idOrPrefix == null || idOrPrefix.isEmpty()) {
            throw CriException.invalidArgument("container_id is empty");
        }
        return find(idOrPrefix).orElseThrow(() -> CriException.notFound("container " + idOrPrefix + " not found"));
    }

    public List<Container> all() {
        return index.all();
    }

    public List<Container> inSandbox(String sandboxId) {
        return index.all().stream().filter(c -> c.sandboxId().equals(sandboxId)).toList();
    }

    /** Whether any container was created from the image: such an image cannot be removed. */
    public boolean usesImage(String imageId) {
        return index.all().stream().anyMatch(c -> c.imageId().equals(imageId));
    }
}
