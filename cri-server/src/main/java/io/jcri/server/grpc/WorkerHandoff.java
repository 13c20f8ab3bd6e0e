package io.jcri.server.grpc;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Where a call runs. The server delivers every call on its netty event loop (a direct executor); this interceptor,
 * the outermost, moves each call to the RPC worker pool as soon as its request has arrived, unless the call is one
 * of the reads that only look at memory ({@link #IN_MEMORY}, without {@code verbose}, whose answers read files and
 * /proc): those are answered on the event loop, which saves the two or three thread hand-offs per call that
 * dominated their latency (a warm Version took twice containerd's time). Nothing that can wait for a disk, a lock
 * held across I/O, a process or the network runs on the event loop.
 *
 * <p>The callbacks of an offloaded call run one after the other, in order, on the pool ({@link Lane}), as
 * grpc-java's own executor wrapper would run them.
 */
public final class WorkerHandoff implements ServerInterceptor {
    /** Bare method names whose non-verbose answer comes from in-memory state alone (no file, lock or process). */
    static final Set<String> IN_MEMORY = Set.of("Version", "Status", "ListImages", "ImageStatus", "ListContainers",
            "ContainerStatus", "ListPodSandbox", "PodSandboxStatus");

    private final Executor workers;

    public WorkerHandoff(Executor workers) {
        this.workers = workers;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                        ServerCallHandler<Q, R> next) {
        boolean inMemory = IN_MEMORY.contains(call.getMethodDescriptor().getBareMethodName());
        Lane lane = new Lane(workers);
        // startCall of the generated unary handlers only asks the transport for the request: no RPC code runs
        ServerCall.Listener<Q> delegate = next.startCall(call, headers);
        return new SimpleForwardingServerCallListener<>(delegate) {
            /** Null while the call runs on the event loop; set once, when the request shows it must not. */
            private volatile Lane offloaded;

            private void dispatch(Runnable r) {
                Lane l = offloaded;
                if (l == null) {
                    r.run();
                } else {
                    l.execute(r);
                }
            }

            @Override
            public void onMessage(Q message) {
                if (offloaded == null && !(inMemory && !verbose(message))) {
                    offloaded = lane;
                }
                dispatch(() -> super.onMessage(message));
            }

            @Override
            public void onHalfClose() {
                dispatch(super::onHalfClose);
            }

            @Override
            public void onCancel() {
                dispatch(super::onCancel);
            }

            @Override
            public void onComplete() {
                dispatch(super::onComplete);
            }

            @Override
            public void onReady() {
                dispatch(super::onReady);
            }
        };
    }

    /** Whether the request sets its {@code verbose} field (the verbose answers read files and /proc). */
    static boolean verbose(Object request) {
        if (request instanceof Message m) {
            FieldDescriptor f = m.getDescriptorForType().findFieldByName("verbose");
            return f != null && f.getJavaType() == FieldDescriptor.JavaType.BOOLEAN && (Boolean) m.getField(f);
        }
        return true;
    }

    /** Runs its tasks one at a time, in submission order, on the pool. */
    static final class Lane implements Executor {
        private final Executor pool;
        private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
        private boolean running;

        Lane(Executor pool) {
            this.pool = pool;
        }

        @Override
        public void execute(Runnable task) {
            synchronized (this) {
                tasks.add(task);
                if (running) {
                    return;
                }
                running = true;
            }
            pool.execute(this::drain);
        }

        private void drain() {
            while (true) {
                Runnable next;
                synchronized (this) {
                    next = tasks.poll();
                    if (next == null) {
                        running = false;
                        return;
                    }
                }
                try {
                    next.run();
                } catch (RuntimeException e) {
                    // grpc-java's own wrapper logs and goes on; the instrumentation has mapped handler failures
                    java.util.logging.Logger.getLogger(WorkerHandoff.class.getName())
                            .log(java.util.logging.Level.SEVERE, "call callback failed", e);
                }
            }
        }
    }
}
