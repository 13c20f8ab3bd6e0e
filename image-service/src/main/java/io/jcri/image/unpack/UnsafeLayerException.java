package io.jcri.image.unpack;

/** A layer entry that would write outside its snapshot directory; the whole layer is refused. */
public class UnsafeLayerException extends java.io.IOException {
    public UnsafeLayerException(String message) {
        super(message);
    }
}
