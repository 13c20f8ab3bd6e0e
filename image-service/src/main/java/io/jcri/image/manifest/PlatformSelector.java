package io.jcri.image.manifest;

import java.util.Comparator;
import java.util.Optional;

/**
 * Picks the manifest of an index for a wanted platform: os and architecture must match; a manifest with the
 * wanted variant beats one without a variant; a different explicit variant does not match.
 */
public final class PlatformSelector {
    private PlatformSelector() {
    }

    public static Optional<Descriptor> select(ImageIndex index, Platform wanted) {
        Platform w = Platform.normalise(wanted);
        return index.manifests().stream()
                .filter(d -> d.platform() != null && score(Platform.normalise(d.platform()), w) > 0)
                .max(Comparator.comparingInt(d -> score(Platform.normalise(d.platform()), w)));
    }

    private static int score(Platform candidate, Platform wanted) {
        if (!candidate.os().equals(wanted.os()) || !candidate.architecture().equals(wanted.architecture())) {
            return 0;
        }
        if (candidate.variant().equals(wanted.variant())) {
            return 2;
        }
        return candidate.variant().isEmpty() || wanted.variant().isEmpty() ? 1 : 0;
    }
}
