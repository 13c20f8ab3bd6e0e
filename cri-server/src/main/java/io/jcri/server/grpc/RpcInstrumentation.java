package io.jcri.server.grpc;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Histogram;
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
        String method = call.getMethodDescriptor().getBareMethodName();
        long start = System.nanoTime();
        ObservedCall<Q, R> observed = new ObservedCall<>(call, method, start);
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

    private final class ObservedCall<Q, R> extends SimpleForwardingServerCall<Q, R> {
        private final String method;
        private final long start;
        private boolean closed;

        ObservedCall(ServerCall<Q, R> delegate, String method, long start) {
            super(delegate);
            this.method = method;
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
            requests.labels(method, status.getCode().name()).inc();
            latency.labels(method).observe(seconds);
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
