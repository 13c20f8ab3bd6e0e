package io.jcri.server.store;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Rendering one stored record for a List answer: a record that cannot be rendered is left out and logged (once
 * per record and daemon), so that one bad entry never fails the listing for every caller.
 */
public final class BrokenRecords {
    private static final Logger LOG = Logger.getLogger(BrokenRecords.class.getName());
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

    private BrokenRecords() {
    }

    public static <T> Optional<T> render(String kind, String id, Supplier<T> render) {
        try {
            return Optional.ofNullable(render.get());
        } catch (RuntimeException e) {
            if (LOGGED.add(kind + "/" + id)) {
                LOG.warning("leaving " + kind + " " + id + " out of the list, its record cannot be shown: "
                        + io.jcri.server.grpc.Quoted.message(String.valueOf(e.getMessage())));
            }
            return Optional.empty();
        }
    }
}
