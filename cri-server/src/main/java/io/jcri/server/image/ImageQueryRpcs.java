package io.jcri.server.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcri.cri.v1.FilesystemIdentifier;
import io.jcri.cri.v1.FilesystemUsage;
import io.jcri.cri.v1.ImageFsInfoRequest;
import io.jcri.cri.v1.ImageFsInfoResponse;
import io.jcri.cri.v1.ImageStatusRequest;
import io.jcri.cri.v1.ImageStatusResponse;
import io.jcri.cri.v1.ListImagesRequest;
import io.jcri.cri.v1.ListImagesResponse;
import io.jcri.cri.v1.UInt64Value;
import io.jcri.image.FsUsage;
import io.jcri.image.ImageService;
import io.jcri.image.metadata.ImageRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The read-only image RPCs: {@code ListImages}, {@code ImageStatus}, {@code ImageFsInfo}. */
public final class ImageQueryRpcs {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ImageService images;

    public ImageQueryRpcs(ImageService images) {
        this.images = images;
    }

    public ListImagesResponse list(ListImagesRequest request) {
        ListImagesResponse.Builder b = ListImagesResponse.newBuilder();
        images.list(request.getFilter().getImage().getImage()).forEach(r -> b.addImages(ImageMapper.toCri(r)));
        return b.build();
    }

    /** An absent image is an empty response, not an error: kubelet pulls when {@code image} is unset. */
    public ImageStatusResponse status(ImageStatusRequest request) {
        Optional<ImageRecord> image = images.status(request.getImage().getImage());
        if (image.isEmpty()) {
            return ImageStatusResponse.getDefaultInstance();
        }
        ImageStatusResponse.Builder b = ImageStatusResponse.newBuilder().setImage(ImageMapper.toCri(image.get()));
        if (request.getVerbose()) {
            b.putAllInfo(verbose(image.get()));
        }
        return b.build();
    }

    private static Map<String, String> verbose(ImageRecord r) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("imageId", r.id());
        info.put("manifestDigest", r.manifestDigest().toString());
        info.put("manifestMediaType", r.manifestMediaType());
        info.put("config", r.config());
        info.put("layers", r.layers().stream().map(l -> Map.of("diffId", l.diffId().toString())).toList());
        try {
            return Map.of("info", JSON.writeValueAsString(info));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render image info", e);
        }
    }

    public ImageFsInfoResponse fsInfo(ImageFsInfoRequest request) {
        FsUsage u;
        try {
            u = images.fsUsage();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure the image store", e);
        }
        FilesystemUsage usage = FilesystemUsage.newBuilder()
                .setTimestamp(u.timestampNanos())
                .setFsId(FilesystemIdentifier.newBuilder().setMountpoint(u.mountpoint()))
                .setUsedBytes(UInt64Value.newBuilder().setValue(u.usedBytes()))
                .setInodesUsed(UInt64Value.newBuilder().setValue(u.inodesUsed()))
                .build();
        return ImageFsInfoResponse.newBuilder().addImageFilesystems(usage).build();
    }
}
