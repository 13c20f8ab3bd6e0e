package io.jcri.server.store;

import io.jcri.server.grpc.CriException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Every pod sandbox, persisted under {@code <root>/cri/sandboxes} so it survives a daemon restart. */
public final class SandboxStore {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(SandboxStore.class.getName());
    private final JsonFiles<Sandbox.Record> files;
    private final EntityIndex<Sandbox> index = new EntityIndex<>("sandbox", Sandbox::id);

    public SandboxStore(Path dir) {
        this.files = new JsonFiles<>(dir, Sandbox.Record.class);
        for (Sandbox.Record r : files.readAll()) {
            try {
                Sandbox s = Sandbox.fromRecord(r);
                index.reserve(s.fullName(), s.id());
                index.put(s);
            } catch (RuntimeException e) {
                // one broken record must not keep the daemon from starting or the others from being listed
                LOG.warning("skipping the sandbox record " + r.id() + ": " + e.getMessage());
            }
        }
    }

    /** Reserves the pod's name; ALREADY_EXISTS (naming the holder) if another sandbox holds it. */
    public void reserveName(String fullName, String id) {
        index.reserve(fullName, id);
    }

    public void releaseName(String fullName, String id) {
        index.release(fullName, id);
    }

    public void add(Sandbox sandbox) {
        files.write(sandbox.id(), sandbox.toRecord());
        index.put(sandbox);
    }

    /** Records a new sandbox in one write, state and IPs included (never READY without its IPs on disk). */
    public synchronized void add(Sandbox sandbox, SandboxState state, List<String> ips) {
        sandbox.setState(state);
        sandbox.setIps(ips);
        add(sandbox);
    }

    public synchronized void update(Sandbox sandbox, SandboxState state, List<String> ips) {
        sandbox.setState(state);
        sandbox.setIps(ips);
        files.write(sandbox.id(), sandbox.toRecord());
    }

    /** Records the pod-level resources of UpdatePodSandboxResources. */
    public synchronized void updatePodResources(Sandbox sandbox, io.jcri.cri.v1.LinuxContainerResources resources) {
        sandbox.setPodResources(resources);
        files.write(sandbox.id(), sandbox.toRecord());
    }

    public void remove(Sandbox sandbox) {
        files.delete(sandbox.id());
        index.remove(sandbox.id());
        index.release(sandbox.fullName(), sandbox.id());
    }

    public Optional<Sandbox> find(String idOrPrefix) {
        return index.find(idOrPrefix);
    }

    /** The sandbox, or NOT_FOUND with a message naming the id. */
    public Sandbox get(String idOrPrefix) {
        if (idOrPrefix == null || idOrPrefix.isEmpty()) {
            throw CriException.invalidArgument("pod_sandbox_id is empty");
        }
        return find(idOrPrefix).orElseThrow(() -> CriException.notFound("pod sandbox " + idOrPrefix + " not found"));
    }

    public List<Sandbox> all() {
        return index.all();
    }
}
