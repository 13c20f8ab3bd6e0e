package io.jcri.server.daemon;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The RPC worker pool: up to {@code max} threads, started only when every running one is busy, and ended after
 * {@code idleSeconds} without work. A plain ThreadPoolExecutor with core = max starts a new thread for each of
 * the first {@code max} tasks even while others sit idle (a daemon that had served 32 calls held 32 threads and
 * their stacks), and one with a small core and an unbounded queue never grows past the core; here the queue
 * refuses a task while a thread can still be added and none is idle, which makes the executor add one, and takes
 * it when the pool is full.
 */
final class RpcWorkers extends ThreadPoolExecutor {
    private RpcWorkers(int max, long idleSeconds, ThreadFactory threads, GrowFirstQueue queue) {
        super(0, max, idleSeconds, TimeUnit.SECONDS, queue, threads, (task, pool) -> {
            if (pool.isShutdown() || !queue.force(task)) {
                throw new RejectedExecutionException("the RPC worker pool is shut down");
            }
        });
        queue.pool = this;
    }

    static RpcWorkers create(int max, long idleSeconds, ThreadFactory threads) {
        return new RpcWorkers(max, idleSeconds, threads, new GrowFirstQueue());
    }

    private static final class GrowFirstQueue extends LinkedBlockingQueue<Runnable> {
        private transient volatile ThreadPoolExecutor pool;

        @Override
        public boolean offer(Runnable task) {
            ThreadPoolExecutor p = pool;
            // more submitted than idle threads can take, and room for another: let the pool start one
            if (p != null && p.getPoolSize() < p.getMaximumPoolSize() && p.getActiveCount() + size() >= p.getPoolSize()) {
                return false;
            }
            return super.offer(task);
        }

        boolean force(Runnable task) {
            return super.offer(task);
        }
    }
}
