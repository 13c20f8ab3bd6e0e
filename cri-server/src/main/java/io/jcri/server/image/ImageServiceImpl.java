package io.jcri.server.image;

import io.jcri.cri.v1.ImageServiceGrpc;

/**
 * {@code runtime.v1.ImageService}. Until the image service lands every RPC answers UNIMPLEMENTED with a
 * message naming the method (grpc-java's default).
 */
public final class ImageServiceImpl extends ImageServiceGrpc.ImageServiceImplBase {
}
