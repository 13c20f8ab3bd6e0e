package io.jcri.image;

/** Tells whether a container uses an image, so removal can be refused; the server plugs in its container store. */
@FunctionalInterface
public interface ImageUsage {
    ImageUsage NONE = imageId -> false;

    boolean inUse(String imageId);
}
