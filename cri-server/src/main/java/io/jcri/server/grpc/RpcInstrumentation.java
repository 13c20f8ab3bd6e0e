package io.jcri.server.grpc;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Histogram;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one wrapper around every RPC: a debug line per call (method, duration, status), a warning with
 * context for failures, Prometheus request counts and latencies, and mapping of exceptions thrown by
 * handlers to a gRPC status — so the RPC classes hold none of this.
 */
public final class RpcInstrumentation implements ServerInterceptor {
    private static final Logger LOG = Logger.getLogger("io.jcri.server.rpc");

    private final Counter requests;
    private final Histogram latency;
    /**
     * What a call of each method needs, resolved at its first call: grpc-java computes the bare name from the full
     * one on every {@code getBareMethodName()}, and a Prometheus {@code labels(...)} lookup hashes a list per call.
     * Keyed by the descriptor's identity (one instance per method of a service definition).
     */
    private final ConcurrentHashMap<MethodDescriptor<?, ?>, Meter> meters = new ConcurrentHashMap<>();

    /** A method's name and its series for the calls that succeed (the others are looked up by code). */
    private record Meter(String method, Histogram.Child latency, Counter.Child ok) {
    }

    public RpcInstrumentation() {
        this(CollectorRegistry.defaultRegistry);
    }

    public RpcInstrumentation(CollectorRegistry registry) {
        this.requests = Counter.build("jcri_grpc_requests_total",
                        "CRI requests served, by method and gRPC status code")
                .labelNames("method", "code").register(registry);
        this.latency = Histogram.build("jcri_grpc_request_duration_seconds",
                        "Time to serve a CRI request, by method")
                .labelNames("method")
                .buckets(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
                .register(registry);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                        ServerCallHandler<Q, R> next) {
        long start = System.nanoTime();
        Meter meter = meter(call.getMethodDescriptor());
        String method = meter.method();
        ObservedCall<Q, R> observed = new ObservedCall<>(call, meter, start);
        ServerCall.Listener<Q> delegate = next.startCall(observed, headers);
        return new SimpleForwardingServerCallListener<>(delegate) {
            private boolean refused;

            @Override
            public void onMessage(Q message) {
                guard(() -> {
                    RequestChecks.check(method, message);
                    super.onMessage(message);
                });
            }

            @Override
            public void onHalfClose() {
                if (!refused) {
                    guard(super::onHalfClose);
                }
            }

            private void guard(Runnable r) {
                try {
                    r.run();
                } catch (RuntimeException | Error e) {
                    refused = true;
                    Status status = StatusMapping.toStatus(e);
                    if (status.getCode() == Status.Code.INTERNAL) {
                        LOG.log(Level.SEVERE, "rpc method=" + method + " failed unexpectedly",
                                BoundedThrowable.of(e));
                    }
                    observed.closeOnce(status, new Metadata());
                }
            }
        };
    }

    private Meter meter(MethodDescriptor<?, ?> descriptor) {
        Meter m = meters.get(descriptor);
        if (m == null) {
            String method = descriptor.getBareMethodName();
            m = meters.computeIfAbsent(descriptor, d -> new Meter(method, latency.labels(method),
                    requests.labels(method, Status.Code.OK.name())));
        }
        return m;
    }

    private final class ObservedCall<Q, R> extends SimpleForwardingServerCall<Q, R> {
        private final Meter meter;
        private final long start;
        private boolean closed;

        ObservedCall(ServerCall<Q, R> delegate, Meter meter, long start) {
            super(delegate);
            this.meter = meter;
            this.start = start;
        }

        synchronized void closeOnce(Status status, Metadata trailers) {
            if (!closed) {
                close(status, trailers);
            }
        }

        @Override
        public synchronized void close(Status given, Metadata trailers) {
            if (closed) {
                return;
            }
            closed = true;
            // handlers that answer through onError bypass guard(): their text gets the same bounds
            Status status = given.isOk() ? given : StatusMapping.bounded(given);
            double seconds = (System.nanoTime() - start) / 1e9;
            String method = meter.method();
            if (status.isOk()) {
                meter.ok().inc();
            } else {
                requests.labels(method, status.getCode().name()).inc();
            }
            meter.latency().observe(seconds);
            boolean quiet = status.isOk() || status.getCode() == Status.Code.UNIMPLEMENTED
                    || status.getCode() == Status.Code.CANCELLED;
            Level level = quiet ? Level.FINE : Level.WARNING;
            // the line is only formatted when it is written: at info level a call costs no formatting
            if (LOG.isLoggable(level)) {
                String line = String.format("rpc method=%s status=%s duration_ms=%.3f", method, status.getCode(),
                        seconds * 1000);
                LOG.log(level, status.isOk() ? line : line + " message=\"" + status.getDescription() + "\"");
            }
            super.close(status, trailers);
        }
    }
}
