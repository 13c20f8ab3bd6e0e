package io.jcri.image.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body as an InputStream whose reads give up with {@link PullStalledException} when no data
 * arrives for the stall timeout. The reader waits on its own queue with a deadline, so no watchdog thread is
 * needed and a stalled connection is cancelled, not leaked.
 */
final class StallAwareBodySubscriber implements HttpResponse.BodySubscriber<InputStream> {
    private static final Object END = new Object();
    private static final int PREFETCH = 8;

    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final CompletableFuture<InputStream> body = new CompletableFuture<>();
    private final Duration stallTimeout;
    private final String what;
    private volatile Flow.Subscription subscription;

    StallAwareBodySubscriber(Duration stallTimeout, String what) {
        this.stallTimeout = stallTimeout;
        this.what = what;
    }

    @Override
    public CompletionStage<InputStream> getBody() {
        return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        body.complete(new Stream());
        s.request(PREFETCH);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        queue.add(item);
    }

    @Override
    public void onError(Throwable throwable) {
        queue.add(throwable);
    }

    @Override
    public void onComplete() {
        queue.add(END);
    }

    private final class Stream extends InputStream {
        private List<ByteBuffer> current = List.of();
        private int index;
        private boolean done;
        private boolean closed;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("stream closed");
            }
            if (len == 0) {
                return 0;
            }
            while (true) {
                while (index < current.size() && !current.get(index).hasRemaining()) {
                    index++;
                }
                if (index < current.size()) {
                    ByteBuffer buf = current.get(index);
                    int n = Math.min(len, buf.remaining());
                    buf.get(b, off, n);
                    return n;
                }
                if (done) {
                    return -1;
                }
                Object next;
                try {
                    next = queue.poll(stallTimeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    cancel();
                    throw new java.io.InterruptedIOException("interrupted while reading " + what);
                }
                if (next == null) {
                    cancel();
                    throw new PullStalledException(what, stallTimeout);
                }
                if (next == END) {
                    done = true;
                    continue;
                }
                if (next instanceof Throwable t) {
                    done = true;
                    throw t instanceof IOException io ? io : new IOException("reading " + what + ": " + t, t);
                }
                @SuppressWarnings("unchecked")
                List<ByteBuffer> list = (List<ByteBuffer>) next;
                current = list;
                index = 0;
                subscription.request(1);
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                if (!done) {
                    cancel();
                }
            }
        }

        private void cancel() {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }
    }
}
