package io.jcri.server.events;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.jcri.cri.v1.ContainerEventResponse;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Fans container lifecycle events out to every GetContainerEvents stream. {@link #publish} never blocks: each
 * subscriber has a bounded queue, drained by one delivery thread only while its stream is ready (gRPC flow
 * control); a subscriber whose queue overflows is dropped with RESOURCE_EXHAUSTED and a log line, so a stalled
 * client can neither slow the lifecycle RPCs nor grow the daemon's memory. kubelet reconnects and relists.
 */
public final class ContainerEventHub implements AutoCloseable {
    static final int QUEUE_CAPACITY = 1024;
    private static final Logger LOG = Logger.getLogger(ContainerEventHub.class.getName());

    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    private final ExecutorService delivery = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "jcri-events");
        t.setDaemon(true);
        return t;
    });
    private final int capacity;

    public ContainerEventHub() {
        this(QUEUE_CAPACITY);
    }

    ContainerEventHub(int capacity) {
        this.capacity = capacity;
    }

    /** Registers a stream; call from the RPC handler (gRPC wants the ready/cancel handlers set there). */
    public void subscribe(ServerCallStreamObserver<ContainerEventResponse> stream) {
        Subscriber s = new Subscriber(stream, new ArrayBlockingQueue<>(capacity));
        stream.setOnCancelHandler(() -> subscribers.remove(s));
        stream.setOnReadyHandler(s::schedule);
        subscribers.add(s);
        LOG.fine("container events: subscriber added (" + subscribers.size() + " now)");
    }

    /** Queues the event for every subscriber; never blocks the caller. */
    public void publish(ContainerEventResponse event) {
        for (Subscriber s : subscribers) {
            if (s.queue.offer(event)) {
                s.schedule();
            } else {
                drop(s);
            }
        }
    }

    int subscriberCount() {
        return subscribers.size();
    }

    private void drop(Subscriber s) {
        if (!subscribers.remove(s)) {
            return;
        }
        LOG.warning("container events: dropping a subscriber that fell " + capacity
                + " events behind; it must reconnect and relist");
        s.queue.clear();
        delivery.execute(() -> s.end(Status.RESOURCE_EXHAUSTED.withDescription("GetContainerEvents: the client fell "
                + capacity + " events behind and was dropped; reconnect and relist")));
    }

    /** Ends every stream (daemon shutdown), so none keeps the server's graceful shutdown waiting. */
    @Override
    public void close() {
        for (Subscriber s : subscribers) {
            subscribers.remove(s);
            delivery.execute(() -> s.end(null));
        }
        delivery.shutdown();
    }

    private final class Subscriber {
        final ServerCallStreamObserver<ContainerEventResponse> stream;
        final BlockingQueue<ContainerEventResponse> queue;
        final AtomicBoolean scheduled = new AtomicBoolean();

        Subscriber(ServerCallStreamObserver<ContainerEventResponse> stream,
                   BlockingQueue<ContainerEventResponse> queue) {
            this.stream = stream;
            this.queue = queue;
        }

        void schedule() {
            if (scheduled.compareAndSet(false, true)) {
                try {
                    delivery.execute(this::drain);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    scheduled.set(false); // shutting down
                }
            }
        }

        /** On the delivery thread only, so the stream is never written concurrently. */
        private void drain() {
            scheduled.set(false);
            try {
                while (subscribers.contains(this) && stream.isReady() && !stream.isCancelled()) {
                    ContainerEventResponse e = queue.poll();
                    if (e == null) {
                        return;
                    }
                    stream.onNext(e);
                }
            } catch (RuntimeException e) {
                subscribers.remove(this);
                LOG.fine("container events: subscriber gone: " + e.getMessage());
            }
        }

        void end(Status status) {
            try {
                if (!stream.isCancelled()) {
                    if (status == null) {
                        stream.onCompleted();
                    } else {
                        stream.onError(status.asRuntimeException());
                    }
                }
            } catch (RuntimeException e) {
                LOG.fine("container events: ending a stream: " + e.getMessage());
            }
        }
    }
}
