package io.jcri.server.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.jcri.cri.v1.ContainerEventResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ContainerEventHubTest {
    /** A stream whose readiness the test controls, recording what it was sent. */
    static final class FakeStream extends ServerCallStreamObserver<ContainerEventResponse> {
        final List<ContainerEventResponse> received = new CopyOnWriteArrayList<>();
        volatile boolean ready = true;
        volatile Throwable error;
        volatile boolean completed;
        volatile Runnable onReady;

        @Override
        public boolean isReady() {
            return ready;
        }

        @Override
        public void setOnReadyHandler(Runnable r) {
            onReady = r;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public void setOnCancelHandler(Runnable r) {
        }

        @Override
        public void setCompression(String c) {
        }

        @Override
        public void disableAutoInboundFlowControl() {
        }

        @Override
        public void request(int n) {
        }

        @Override
        public void setMessageCompression(boolean e) {
        }

        @Override
        public void onNext(ContainerEventResponse value) {
            received.add(value);
        }

        @Override
        public void onError(Throwable t) {
            error = t;
        }

        @Override
        public void onCompleted() {
            completed = true;
        }
    }

    static ContainerEventResponse event(int i) {
        return ContainerEventResponse.newBuilder().setContainerId("c" + i).setCreatedAt(i).build();
    }

    static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void everySubscriberGetsEveryEventInOrder() throws Exception {
        try (ContainerEventHub hub = new ContainerEventHub(16)) {
            FakeStream a = new FakeStream();
            FakeStream b = new FakeStream();
            hub.subscribe(a);
            hub.subscribe(b);
            for (int i = 0; i < 10; i++) {
                hub.publish(event(i));
            }
            await("both to receive 10", () -> a.received.size() == 10 && b.received.size() == 10);
            assertThat(a.received).extracting(ContainerEventResponse::getContainerId)
                    .containsExactly("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9");
            assertThat(b.received).isEqualTo(a.received);
        }
    }

    @Test
    void aStalledSubscriberIsQueuedUntilReadyThenDroppedWhenItFallsTooFarBehind() throws Exception {
        try (ContainerEventHub hub = new ContainerEventHub(4)) {
            FakeStream slow = new FakeStream();
            FakeStream fast = new FakeStream();
            slow.ready = false;
            hub.subscribe(slow);
            hub.subscribe(fast);
            for (int i = 0; i < 3; i++) {
                hub.publish(event(i));
            }
            await("the fast one to get 3", () -> fast.received.size() == 3);
            assertThat(slow.received).isEmpty();
            // flow control opens: the queued events flow
            slow.ready = true;
            slow.onReady.run();
            await("the slow one to catch up", () -> slow.received.size() == 3);

            slow.ready = false;
            for (int i = 3; i < 20; i++) {
                long start = System.nanoTime();
                hub.publish(event(i)); // never blocks, however far behind the slow one is
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1000);
                int n = i + 1;
                await("the fast one to keep up", () -> fast.received.size() == n);
            }
            await("the slow one to be dropped", () -> slow.error != null);
            assertThat(Status.fromThrowable(slow.error).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(hub.subscriberCount()).isEqualTo(1);
            assertThat(slow.received).hasSize(3);
            assertThat(fast.received).hasSize(20);
        }
    }

    @Test
    void closingTheHubEndsTheStreams() throws Exception {
        FakeStream s = new FakeStream();
        ContainerEventHub hub = new ContainerEventHub(4);
        hub.subscribe(s);
        hub.close();
        await("the stream to complete", () -> s.completed);
    }
}
