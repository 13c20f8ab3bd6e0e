package io.jcri.server.image;

import io.grpc.Status;
import io.jcri.cri.v1.AuthConfig;
import io.jcri.cri.v1.PullImageRequest;
import io.jcri.cri.v1.PullImageResponse;
import io.jcri.image.ImagePullException;
import io.jcri.image.ImageService;
import io.jcri.image.metadata.ImageRecord;
import io.jcri.image.reference.InvalidReferenceException;
import io.jcri.image.registry.Credentials;
import io.jcri.image.registry.RegistryException;
import io.jcri.server.grpc.CriException;
import io.jcri.server.metrics.ImagePullMetrics;
import io.prometheus.client.Histogram;

/** {@code PullImage}: returns the image id (config digest), the same value Image.id and image_ref carry. */
public final class PullImageRpc {
    private final ImageService images;

    public PullImageRpc(ImageService images) {
        this.images = images;
    }

    public PullImageResponse pull(PullImageRequest request) {
        String ref = request.getImage().getImage();
        if (ref.isEmpty()) {
            throw CriException.invalidArgument("PullImage: image.image is empty");
        }
        io.jcri.server.validation.ImageNames.check("PullImage", "image.image", ref);
        Credentials credentials;
        try {
            AuthConfig a = request.getAuth();
            credentials = Credentials.fromCri(a.getUsername(), a.getPassword(), a.getAuth(), a.getServerAddress(),
                    a.getIdentityToken(), a.getRegistryToken());
        } catch (IllegalArgumentException e) {
            throw CriException.invalidArgument("PullImage: bad auth: " + e.getMessage());
        }
        Histogram.Timer timer = ImagePullMetrics.DURATION.startTimer();
        try {
            ImageRecord image = images.pull(ref, credentials);
            timer.observeDuration();
            ImagePullMetrics.PULLS.labels("success").inc();
            ImagePullMetrics.BYTES.inc(image.size());
            return PullImageResponse.newBuilder().setImageRef(image.id()).build();
        } catch (InvalidReferenceException e) {
            ImagePullMetrics.PULLS.labels(Status.Code.INVALID_ARGUMENT.name()).inc();
            throw CriException.invalidArgument(e.getMessage());
        } catch (ImagePullException e) {
            Status.Code code = codeFor(e);
            ImagePullMetrics.PULLS.labels(code.name()).inc();
            throw new CriException(code, e.getMessage(), e);
        }
    }

    private static Status.Code codeFor(ImagePullException e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.net.http.HttpConnectTimeoutException
                    || t instanceof java.nio.channels.UnresolvedAddressException
                    || t instanceof java.net.UnknownHostException) {
                return Status.Code.UNAVAILABLE; // no registry answered: worth retrying later
            }
            if (t instanceof RegistryException re) {
                if (re.isNotFound()) {
                    return Status.Code.NOT_FOUND;
                }
                if (re.isUnauthorized()) {
                    return Status.Code.PERMISSION_DENIED;
                }
            }
        }
        return Status.Code.UNKNOWN;
    }
}
