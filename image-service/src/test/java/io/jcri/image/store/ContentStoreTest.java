package io.jcri.image.store;

import io.jcri.image.unpack.Native;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ContentStoreTest {
    private static final int FS_TOPDIR_FL = 0x00020000;

    @TempDir
    Path root;

    @Test
    void unpackWorkDirIsATopDirectorySoLayersSpreadOverBlockGroups() throws Exception {
        assumeTrue(Native.inodeFlags(root.toString()) >= 0, "filesystem without inode flags (not ext2/3/4)");
        ContentStore store = new ContentStore(root);

        Path work = root.resolve("snapshots/.work");
        assertThat(Native.inodeFlags(work.toString()) & FS_TOPDIR_FL).isEqualTo(FS_TOPDIR_FL);
        // the flag is not inherited by the layers' own directories
        Path layer = store.newSnapshotWorkDir();
        Path sub = Files.createDirectory(layer.resolve("usr"));
        assertThat(Native.inodeFlags(sub.toString()) & FS_TOPDIR_FL).isZero();
        // a restart recreates .work and marks it again; marking twice is harmless
        new ContentStore(root);
        assertThat(Native.setTopDir(work.toString())).isTrue();
        assertThat(Native.inodeFlags(work.toString()) & FS_TOPDIR_FL).isEqualTo(FS_TOPDIR_FL);
    }

    @Test
    void setTopDirOnAFilesystemWithoutInodeFlagsIsANoOp() throws Exception {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm));
        Path dir = Files.createTempDirectory(shm, "jcri-topdir");
        try {
            // tmpfs has no FS_IOC_GETFLAGS (or ignores FS_TOPDIR_FL): either way no error
            Native.setTopDir(dir.toString());
        } finally {
            Files.delete(dir);
        }
    }
}
