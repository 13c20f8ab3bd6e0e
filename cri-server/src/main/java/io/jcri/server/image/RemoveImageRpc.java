package io.jcri.server.image;

import io.jcri.cri.v1.RemoveImageRequest;
import io.jcri.cri.v1.RemoveImageResponse;
import io.jcri.image.ImageInUseException;
import io.jcri.image.ImageService;
import io.jcri.server.grpc.CriException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@code RemoveImage}: by id, tag or digest; removes the image with all its tags; idempotent; refused while a
 * container uses the image.
 */
public final class RemoveImageRpc {
    private final ImageService images;

    public RemoveImageRpc(ImageService images) {
        this.images = images;
    }

    public RemoveImageResponse remove(RemoveImageRequest request) {
        String ref = request.getImage().getImage();
        if (ref.isEmpty()) {
            throw CriException.invalidArgument("RemoveImage: image.image is empty");
        }
        try {
            images.remove(ref);
        } catch (ImageInUseException e) {
            throw CriException.failedPrecondition(e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove image " + ref, e);
        }
        return RemoveImageResponse.getDefaultInstance();
    }
}
