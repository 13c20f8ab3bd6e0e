package io.jcri.server.store;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Where a record's write (its fsync: a few ms of waiting on the disk, no CPU) runs when it may overlap other work of
 * the same RPC, which joins it before answering. Daemon threads that end when idle: none stays per request.
 */
public final class DiskWrites {
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "jcri-disk-write");
        t.setDaemon(true);
        return t;
    });

    private DiskWrites() {
    }

    public static CompletableFuture<Void> run(Runnable write) {
        return CompletableFuture.runAsync(write, POOL);
    }

    public static <T> CompletableFuture<T> supply(Supplier<T> write) {
        return CompletableFuture.supplyAsync(write, POOL);
    }
}
