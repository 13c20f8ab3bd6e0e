package io.jcri.server.image;

import io.jcri.cri.v1.Image;
import io.jcri.cri.v1.ImageSpec;
import io.jcri.cri.v1.Int64Value;
import io.jcri.image.metadata.ImageRecord;

/** An image record as the CRI {@code Image} message. */
final class ImageMapper {
    private ImageMapper() {
    }

    static Image toCri(ImageRecord r) {
        Image.Builder b = Image.newBuilder()
                .setId(r.id())
                .addAllRepoTags(r.repoTags())
                .addAllRepoDigests(r.repoDigests())
                .setSize(r.size())
                .setSpec(ImageSpec.newBuilder().setImage(r.id()))
                .setPinned(r.pinned());
        r.uid().ifPresent(uid -> b.setUid(Int64Value.newBuilder().setValue(uid)));
        b.setUsername(r.username());
        return b.build();
    }
}
