package io.jcri.e2e.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.jcri.cri.v1.ContainerEventResponse;
import io.jcri.cri.v1.ContainerEventType;
import io.jcri.cri.v1.ContainerState;
import io.jcri.cri.v1.ContainerStatus;
import io.jcri.cri.v1.GetEventsRequest;
import io.jcri.cri.v1.PodSandboxConfig;
import io.jcri.cri.v1.PodSandboxState;
import io.jcri.cri.v1.RemoveContainerRequest;
import io.jcri.cri.v1.RemovePodSandboxRequest;
import io.jcri.cri.v1.RuntimeServiceGrpc;
import io.jcri.cri.v1.StopContainerRequest;
import io.jcri.cri.v1.StopPodSandboxRequest;
import io.jcri.e2e.harness.Deadline;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** GetContainerEvents streams the lifecycle as kubelet's evented PLEG expects it. */
class ContainerEventsE2eTest extends PodE2eBase {
    /** A GetContainerEvents stream collecting what it receives; subscribed once the daemon registered it. */
    static final class Subscription implements AutoCloseable {
        final List<ContainerEventResponse> events = new CopyOnWriteArrayList<>();
        volatile ClientCallStreamObserver<GetEventsRequest> call;
        volatile Throwable error;

        Subscription() {
            long before = subscribersLogged();
            RuntimeServiceGrpc.newStub(fx.daemon.endpoint().channel()).getContainerEvents(
                    GetEventsRequest.getDefaultInstance(), new ClientResponseObserver<GetEventsRequest,
                            ContainerEventResponse>() {
                        @Override
                        public void beforeStart(ClientCallStreamObserver<GetEventsRequest> requestStream) {
                            call = requestStream;
                        }

                        @Override
                        public void onNext(ContainerEventResponse value) {
                            events.add(value);
                        }

                        @Override
                        public void onError(Throwable t) {
                            error = t;
                        }

                        @Override
                        public void onCompleted() {
                        }
                    });
            // the daemon logs (at debug level) each subscriber it registers: wait for ours
            Deadline.await(Duration.ofSeconds(20), "the daemon to register the subscriber",
                    () -> subscribersLogged() > before);
        }

        private static long subscribersLogged() {
            return fx.daemon.log().lines().filter(l -> l.contains("container events: subscriber added")).count();
        }

        List<ContainerEventType> typesFor(String id) {
            return events.stream().filter(e -> e.getContainerId().equals(id))
                    .map(ContainerEventResponse::getContainerEventType).toList();
        }

        ContainerEventResponse last(String id, ContainerEventType type) {
            return events.stream().filter(e -> e.getContainerId().equals(id) && e.getContainerEventType() == type)
                    .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no " + type + " for " + id
                            + " in " + events));
        }

        @Override
        public void close() {
            if (call != null) {
                call.cancel("test done", null);
            }
        }
    }

    static ContainerStatus statusIn(ContainerEventResponse e, String id) {
        return e.getContainersStatusesList().stream().filter(s -> s.getId().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError(id + " not among the statuses of " + e));
    }

    @Test
    void createStartStopAndRemoveEachSendAnEventWithThePodAndItsContainers() {
        try (Subscription sub = new Subscription()) {
            PodSandboxConfig podConfig = fx.pod("events").build();
            String podId = c.runPod(podConfig);
            try {
                String ctr = c.create(podId, podConfig, fx.container("ev", "sleep", "3600"));
                c.start(ctr);
                c.rt().stopContainer(StopContainerRequest.newBuilder().setContainerId(ctr).setTimeout(0).build());
                c.rt().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(ctr).build());
                Deadline.await(Duration.ofSeconds(20), "four events for " + ctr,
                        () -> sub.typesFor(ctr).size() >= 4);
                assertThat(sub.typesFor(ctr)).containsExactly(ContainerEventType.CONTAINER_CREATED_EVENT,
                        ContainerEventType.CONTAINER_STARTED_EVENT, ContainerEventType.CONTAINER_STOPPED_EVENT,
                        ContainerEventType.CONTAINER_DELETED_EVENT);

                ContainerEventResponse created = sub.last(ctr, ContainerEventType.CONTAINER_CREATED_EVENT);
                assertThat(created.getPodSandboxStatus().getId()).isEqualTo(podId);
                assertThat(created.getPodSandboxStatus().getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
                assertThat(created.getPodSandboxStatus().getMetadata().getUid())
                        .isEqualTo(podConfig.getMetadata().getUid());
                assertThat(statusIn(created, ctr).getState()).isEqualTo(ContainerState.CONTAINER_CREATED);
                assertThat(statusIn(sub.last(ctr, ContainerEventType.CONTAINER_STARTED_EVENT), ctr).getState())
                        .isEqualTo(ContainerState.CONTAINER_RUNNING);
                ContainerStatus stopped = statusIn(sub.last(ctr, ContainerEventType.CONTAINER_STOPPED_EVENT), ctr);
                assertThat(stopped.getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
                assertThat(stopped.getExitCode()).isEqualTo(137);
                ContainerEventResponse deleted = sub.last(ctr, ContainerEventType.CONTAINER_DELETED_EVENT);
                assertThat(deleted.getContainersStatusesList()).noneMatch(s -> s.getId().equals(ctr));
                assertThat(deleted.getCreatedAt()).isGreaterThanOrEqualTo(created.getCreatedAt());

                // a process that exits by itself is announced too, with its exit code
                String self = c.run(podId, podConfig, fx.container("self", "sh", "-c", "exit 3"));
                Deadline.await(Duration.ofSeconds(20), "the STOPPED event of " + self,
                        () -> sub.typesFor(self).contains(ContainerEventType.CONTAINER_STOPPED_EVENT));
                ContainerStatus exited = statusIn(sub.last(self, ContainerEventType.CONTAINER_STOPPED_EVENT), self);
                assertThat(exited.getExitCode()).isEqualTo(3);
                assertThat(exited.getReason()).isEqualTo("Error");

                // the sandbox's own events carry its id, as containerd sends them
                c.rt().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
                c.rt().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
                Deadline.await(Duration.ofSeconds(20), "the sandbox's DELETED event",
                        () -> sub.typesFor(podId).contains(ContainerEventType.CONTAINER_DELETED_EVENT));
                assertThat(sub.typesFor(podId)).containsExactly(ContainerEventType.CONTAINER_CREATED_EVENT,
                        ContainerEventType.CONTAINER_STARTED_EVENT, ContainerEventType.CONTAINER_STOPPED_EVENT,
                        ContainerEventType.CONTAINER_DELETED_EVENT);
                assertThat(sub.last(podId, ContainerEventType.CONTAINER_STOPPED_EVENT).getPodSandboxStatus()
                        .getState()).isEqualTo(PodSandboxState.SANDBOX_NOTREADY);
                assertThat(sub.typesFor(self)).endsWith(ContainerEventType.CONTAINER_DELETED_EVENT);
                assertThat(sub.error).isNull();
            } finally {
                c.cleanup(podId);
            }
        }
    }
}
