package io.jcri.runtime.kernel;

/** The release comparison of {@link KernelFeaturesTest}, for tests in other packages. */
public final class KernelFeaturesTestAccess {
    private KernelFeaturesTestAccess() {
    }

    public static boolean atLeast(String release, String since) {
        return KernelFeaturesTest.atLeast(release, since);
    }
}
