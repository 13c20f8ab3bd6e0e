package io.jcri.image.testkit;

import io.jcri.image.reference.Digest;

import java.util.List;

/** A built single-platform image: config JSON and layers. */
public record TestImage(byte[] config, Digest configDigest, List<TestLayer> layers, String os, String architecture,
                        String variant) {
}
