package io.jcri.image.store;

import io.jcri.image.unpack.Native;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class FileTreesTest {
    @TempDir
    Path dir;

    @Test
    void deletesATreeOfEveryKindOfEntryWithoutFollowingItsSymlinks() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside/sub"));
        Files.writeString(outside.resolve("keep"), "keep");
        Path tree = dir.resolve("tree");
        Path deep = Files.createDirectories(tree.resolve("a/b/c/d"));
        Files.writeString(deep.resolve("f"), "f");
        for (int i = 0; i < 300; i++) {
            Files.writeString(tree.resolve("a/f" + i), "x");
        }
        Files.createSymbolicLink(tree.resolve("a/b/to-outside-dir"), outside);
        Files.createSymbolicLink(tree.resolve("to-outside-file"), outside.resolve("keep"));
        Files.createSymbolicLink(tree.resolve("dangling"), dir.resolve("nothing"));
        Files.createLink(tree.resolve("a/b/hardlink"), deep.resolve("f"));
        Native.mknod(tree.resolve("fifo").toString(), Native.S_IFIFO | 0600, 0);
        Path locked = Files.createDirectories(tree.resolve("locked"));
        Files.writeString(locked.resolve("inside"), "x");
        Native.chmod(locked.toString(), 0);
        Files.createDirectories(tree.resolve("empty"));

        FileTrees.deleteRecursively(tree);

        assertThat(tree).doesNotExist();
        assertThat(outside.resolve("keep")).hasContent("keep");
        assertThat(outside).isDirectory();
    }

    @Test
    void aSymlinkRootIsUnlinkedNotFollowedAndAMissingRootIsNothingToDo() throws Exception {
        Path target = Files.createDirectories(dir.resolve("target"));
        Files.writeString(target.resolve("keep"), "keep");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        FileTrees.deleteRecursively(link);
        assertThat(Files.exists(link, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(target.resolve("keep")).hasContent("keep");

        FileTrees.deleteRecursively(dir.resolve("missing"));
        Path file = Files.writeString(dir.resolve("file"), "x");
        FileTrees.deleteRecursively(file);
        assertThat(file).doesNotExist();
    }
}
