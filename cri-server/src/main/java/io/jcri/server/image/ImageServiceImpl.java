package io.jcri.server.image;

import static io.jcri.server.grpc.Replies.reply;

import io.grpc.stub.StreamObserver;
import io.jcri.cri.v1.ImageFsInfoRequest;
import io.jcri.cri.v1.ImageFsInfoResponse;
import io.jcri.cri.v1.ImageServiceGrpc;
import io.jcri.cri.v1.ImageStatusRequest;
import io.jcri.cri.v1.ImageStatusResponse;
import io.jcri.cri.v1.ListImagesRequest;
import io.jcri.cri.v1.ListImagesResponse;
import io.jcri.cri.v1.PullImageRequest;
import io.jcri.cri.v1.PullImageResponse;
import io.jcri.cri.v1.RemoveImageRequest;
import io.jcri.cri.v1.RemoveImageResponse;
import io.jcri.image.ImageService;

/** {@code runtime.v1.ImageService}: a thin dispatcher onto the image library; StreamImages stays UNIMPLEMENTED. */
public final class ImageServiceImpl extends ImageServiceGrpc.ImageServiceImplBase {
    private final PullImageRpc pull;
    private final ImageQueryRpcs queries;
    private final RemoveImageRpc remove;

    public ImageServiceImpl(ImageService images) {
        this.pull = new PullImageRpc(images);
        this.queries = new ImageQueryRpcs(images);
        this.remove = new RemoveImageRpc(images);
    }

    @Override
    public void pullImage(PullImageRequest request, StreamObserver<PullImageResponse> response) {
        reply(response, pull.pull(request));
    }

    @Override
    public void listImages(ListImagesRequest request, StreamObserver<ListImagesResponse> response) {
        reply(response, queries.list(request));
    }

    @Override
    public void imageStatus(ImageStatusRequest request, StreamObserver<ImageStatusResponse> response) {
        reply(response, queries.status(request));
    }

    @Override
    public void removeImage(RemoveImageRequest request, StreamObserver<RemoveImageResponse> response) {
        reply(response, remove.remove(request));
    }

    @Override
    public void imageFsInfo(ImageFsInfoRequest request, StreamObserver<ImageFsInfoResponse> response) {
        reply(response, queries.fsInfo(request));
    }
}
