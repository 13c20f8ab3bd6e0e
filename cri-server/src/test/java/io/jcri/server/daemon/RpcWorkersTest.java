package io.jcri.server.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RpcWorkersTest {
    private static RpcWorkers pool(int max) {
        AtomicInteger n = new AtomicInteger();
        return RpcWorkers.create(max, 60, r -> {
            Thread t = new Thread(r, "test-rpc-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Test
    void callsOneAfterAnotherShareOneThread() throws Exception {
        RpcWorkers pool = pool(32);
        try {
            for (int i = 0; i < 50; i++) {
                CountDownLatch done = new CountDownLatch(1);
                pool.execute(done::countDown);
                assertTrue(done.await(10, TimeUnit.SECONDS));
                // the worker is idle again once it polls the queue: wait for that, then submit the next call
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (pool.getActiveCount() > 0 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
            }
            assertEquals(1, pool.getPoolSize(), "sequential calls started more than one thread");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void growsToTheConcurrentCallsUpToItsMaximumAndQueuesTheRest() throws Exception {
        RpcWorkers pool = pool(4);
        try {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch started = new CountDownLatch(4);
            CountDownLatch finished = new CountDownLatch(10);
            for (int i = 0; i < 10; i++) {
                pool.execute(() -> {
                    started.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    finished.countDown();
                });
            }
            assertTrue(started.await(10, TimeUnit.SECONDS), "four blocked calls should run at once");
            assertEquals(4, pool.getPoolSize());
            assertEquals(6, pool.getQueue().size());
            release.countDown();
            assertTrue(finished.await(10, TimeUnit.SECONDS), "queued calls should run when threads free up");
        } finally {
            pool.shutdownNow();
        }
    }
}
