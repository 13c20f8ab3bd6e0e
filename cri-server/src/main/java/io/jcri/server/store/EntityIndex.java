package io.jcri.server.store;

import io.jcri.server.grpc.CriException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Entities by id with unique names: lookup by full id or unique id prefix (as crictl users type them), and
 * name reservations that make a second sandbox or container with the same name fail with the holder's id.
 */
final class EntityIndex<T> {
    private final String kind;
    private final Function<T, String> idOf;
    private final Map<String, T> byId = new ConcurrentHashMap<>();
    private final Map<String, String> names = new HashMap<>();

    EntityIndex(String kind, Function<T, String> idOf) {
        this.kind = kind;
        this.idOf = idOf;
    }

    /** Reserves {@code name} for {@code id}; ALREADY_EXISTS naming the holder if taken. */
    synchronized void reserve(String name, String id) {
        String holder = names.putIfAbsent(name, id);
        if (holder != null && !holder.equals(id)) {
            throw CriException.alreadyExists(kind + " name \"" + name + "\" is already reserved by " + kind + " "
                    + holder + "; remove it first");
        }
    }

    synchronized void release(String name, String id) {
        names.remove(name, id);
    }

    void put(T entity) {
        byId.put(idOf.apply(entity), entity);
    }

    void remove(String id) {
        byId.remove(id);
    }

    /** By full id or a unique prefix; empty if none; INVALID_ARGUMENT if a prefix is ambiguous. */
    Optional<T> find(String idOrPrefix) {
        if (idOrPrefix == null || idOrPrefix.isEmpty()) {
            return Optional.empty();
        }
        T exact = byId.get(idOrPrefix);
        if (exact != null) {
            return Optional.of(exact);
        }
        List<T> matches = new ArrayList<>();
        for (Map.Entry<String, T> e : byId.entrySet()) {
            if (e.getKey().startsWith(idOrPrefix)) {
                matches.add(e.getValue());
            }
        }
        if (matches.size() > 1) {
            throw CriException.invalidArgument(kind + " id prefix \"" + idOrPrefix + "\" matches " + matches.size()
                    + " " + kind + "s; give more of the id");
        }
        return matches.stream().findFirst();
    }

    List<T> all() {
        return List.copyOf(byId.values());
    }
}
