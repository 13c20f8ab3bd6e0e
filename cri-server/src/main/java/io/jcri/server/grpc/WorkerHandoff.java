package io.jcri.server.grpc;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.jcri.cri.v1.ContainerStatusRequest;
import io.jcri.cri.v1.ImageStatusRequest;
import io.jcri.cri.v1.PodSandboxStatusRequest;
import io.jcri.cri.v1.StatusRequest;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
    /**
     * Per method (by descriptor identity), whether it may stay on the event loop: computed at its first call, as
     * grpc-java builds the bare name anew on each {@code getBareMethodName()}.
     */
    private final ConcurrentHashMap<MethodDescriptor<?, ?>, Boolean> inMemory = new ConcurrentHashMap<>();

    public WorkerHandoff(Executor workers) {
        this.workers = workers;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                        ServerCallHandler<Q, R> next) {
        boolean inMemory = inMemory(call.getMethodDescriptor());
        // startCall of the generated unary handlers only asks the transport for the request: no RPC code runs
        ServerCall.Listener<Q> delegate = next.startCall(call, headers);
        return new SimpleForwardingServerCallListener<>(delegate) {
            /** Null while the call runs on the event loop; set once, when the request shows it must not. */
            private volatile Lane offloaded;

            // each callback runs in place while the call stays on the event loop (no task object is made then)
            @Override
            public void onMessage(Q message) {
                if (offloaded == null && !(inMemory && !verbose(message))) {
                    offloaded = new Lane(workers);
                }
                Lane l = offloaded;
                if (l == null) {
                    super.onMessage(message);
                } else {
                    l.execute(() -> super.onMessage(message));
                }
            }

            @Override
            public void onHalfClose() {
                Lane l = offloaded;
                if (l == null) {
                    super.onHalfClose();
                } else {
                    l.execute(super::onHalfClose);
                }
            }

            @Override
            public void onCancel() {
                Lane l = offloaded;
                if (l == null) {
                    super.onCancel();
                } else {
                    l.execute(super::onCancel);
                }
            }

            @Override
            public void onComplete() {
                Lane l = offloaded;
                if (l == null) {
                    super.onComplete();
                } else {
                    l.execute(super::onComplete);
                }
            }

            @Override
            public void onReady() {
                Lane l = offloaded;
                if (l == null) {
                    super.onReady();
                } else {
                    l.execute(super::onReady);
                }
            }
        };
    }

    private boolean inMemory(MethodDescriptor<?, ?> method) {
        Boolean known = inMemory.get(method);
        if (known == null) {
            known = IN_MEMORY.contains(method.getBareMethodName());
            inMemory.put(method, known);
        }
        return known;
    }

    private static final ConcurrentHashMap<Class<?>, Optional<FieldDescriptor>> VERBOSE_FIELDS =
            new ConcurrentHashMap<>();

    /** Whether the request sets its {@code verbose} field (the verbose answers read files and /proc). */
    static boolean verbose(Object request) {
        // the in-memory reads that have the field, without reflection (protobuf's getField checks access per call)
        if (request instanceof StatusRequest r) {
            return r.getVerbose();
        } else if (request instanceof ImageStatusRequest r) {
            return r.getVerbose();
        } else if (request instanceof ContainerStatusRequest r) {
            return r.getVerbose();
        } else if (request instanceof PodSandboxStatusRequest r) {
            return r.getVerbose();
        }
        if (request instanceof Message m) {
            // any other type: its field looked up once (a lookup by name builds the full name and searches a pool)
            FieldDescriptor f = VERBOSE_FIELDS.computeIfAbsent(m.getClass(), c -> {
                FieldDescriptor v = m.getDescriptorForType().findFieldByName("verbose");
                return Optional.ofNullable(v != null && v.getJavaType() == FieldDescriptor.JavaType.BOOLEAN ? v
                        : null);
            }).orElse(null);
            return f != null && (Boolean) m.getField(f);
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
