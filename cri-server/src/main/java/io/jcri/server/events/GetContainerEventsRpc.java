package io.jcri.server.events;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.jcri.cri.v1.ContainerEventResponse;
import io.jcri.cri.v1.GetEventsRequest;

/**
 * {@code GetContainerEvents}: a server stream of lifecycle events from the moment of the call (no replay: kubelet
 * relists when it connects). The handler returns at once; the hub writes to the stream from its own thread.
 */
public final class GetContainerEventsRpc {
    private final ContainerEventHub hub;

    public GetContainerEventsRpc(ContainerEventHub hub) {
        this.hub = hub;
    }

    public void subscribe(GetEventsRequest request, StreamObserver<ContainerEventResponse> response) {
        hub.subscribe((ServerCallStreamObserver<ContainerEventResponse>) response);
    }
}
