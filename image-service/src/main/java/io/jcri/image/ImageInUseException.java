package io.jcri.image;

/** Removal refused because a container uses the image; the CRI layer maps it to FAILED_PRECONDITION. */
public class ImageInUseException extends RuntimeException {
    public ImageInUseException(String imageId) {
        super("image " + imageId + " is in use by a container");
    }
}
