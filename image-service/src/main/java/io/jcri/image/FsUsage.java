package io.jcri.image;

/**
 * Disk use of the image store, for ImageFsInfo.
 *
 * @param usedBytes      bytes allocated on disk (st_blocks), hardlinked inodes counted once
 * @param inodesUsed     distinct inodes under the root
 * @param mountpoint     the mount point of the filesystem holding the root
 * @param timestampNanos when it was measured (epoch nanoseconds)
 */
public record FsUsage(long usedBytes, long inodesUsed, String mountpoint, long timestampNanos) {
}
