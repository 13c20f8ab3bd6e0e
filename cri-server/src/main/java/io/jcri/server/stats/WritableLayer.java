package io.jcri.server.stats;

import io.jcri.cri.v1.FilesystemIdentifier;
import io.jcri.cri.v1.FilesystemUsage;
import io.jcri.cri.v1.UInt64Value;
import io.jcri.image.FsUsage;
import io.jcri.image.store.FsUsageScanner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A container's writable layer usage: allocated bytes and inodes of its overlay upper directory (what the
 * container wrote), on the filesystem named by its mount point, as containerd reports its snapshot's usage.
 * Measured by the same scanner as ImageFsInfo, so kubelet compares like with like.
 */
final class WritableLayer {
    private WritableLayer() {
    }

    static FilesystemUsage usage(Path upperDir, long timestampNanos) throws IOException {
        if (!Files.isDirectory(upperDir)) {
            return null;
        }
        FsUsage u = FsUsageScanner.scan(upperDir);
        return FilesystemUsage.newBuilder()
                .setTimestamp(timestampNanos)
                .setFsId(FilesystemIdentifier.newBuilder().setMountpoint(u.mountpoint()))
                .setUsedBytes(UInt64Value.newBuilder().setValue(u.usedBytes()))
                .setInodesUsed(UInt64Value.newBuilder().setValue(u.inodesUsed()))
                .build();
    }
}
