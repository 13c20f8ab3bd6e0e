package io.jcri.image.unpack;

import io.jcri.image.testkit.TarWriter;
import io.jcri.image.testkit.TestLayers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LayerUnpackerTest {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final int S_IFMT = 0170000;

    @TempDir
    Path base;
    Path root;
    Path outside;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createDirectory(base.resolve("root"));
        outside = Files.writeString(base.resolve("outside"), "untouched");
    }

    private void unpack(byte[] tar) throws IOException {
        LayerUnpacker.unpack(new ByteArrayInputStream(tar), root);
    }

    private static Object attr(Path p, String name) throws IOException {
        return Files.getAttribute(p, "unix:" + name, NOFOLLOW);
    }

    @Test
    void convertsWhiteoutsAndKeepsEveryFileKind() throws IOException {
        unpack(TestLayers.scenarioUpper());

        Path gone = root.resolve("a/gone");
        assertThat((int) attr(gone, "mode") & S_IFMT).isEqualTo(Native.S_IFCHR);
        assertThat((long) attr(gone, "rdev")).isZero();
        assertThat(root.resolve("a/.wh.gone")).doesNotExist();

        assertThat(Native.lgetxattr(root.resolve("opq").toString(), "trusted.overlay.opaque"))
                .isEqualTo("y".getBytes(StandardCharsets.US_ASCII));
        assertThat(root.resolve("opq/.wh..wh..opq")).doesNotExist();
        assertThat(root.resolve("opq/new")).hasContent("new");

        Path original = root.resolve("f/original");
        Path link = root.resolve("f/link");
        assertThat(attr(link, "ino")).isEqualTo(attr(original, "ino"));
        assertThat(attr(original, "nlink")).isEqualTo(2);
        assertThat(attr(original, "uid")).isEqualTo(1000);
        assertThat(attr(original, "gid")).isEqualTo(1001);
        assertThat((int) attr(original, "mode") & 07777).isEqualTo(0640);

        assertThat(Files.readSymbolicLink(root.resolve("f/passwd")).toString()).isEqualTo("/etc/passwd");
        assertThat((int) attr(root.resolve("f/fifo"), "mode") & S_IFMT).isEqualTo(Native.S_IFIFO);
        assertThat((int) attr(root.resolve("f/null"), "mode") & S_IFMT).isEqualTo(Native.S_IFCHR);
        assertThat((long) attr(root.resolve("f/null"), "rdev")).isEqualTo(Native.makedev(1, 3));
        assertThat((int) attr(root.resolve("f/suid"), "mode") & 07777).isEqualTo(04755);

        assertThat(Native.lgetxattr(root.resolve("f/xattr").toString(), "user.jcri"))
                .isEqualTo("value".getBytes(StandardCharsets.UTF_8));
        assertThat(Native.lgetxattr(root.resolve("f/xattr").toString(), "trusted.bin"))
                .isEqualTo(new byte[]{0, (byte) 0xff, 1});

        FileTime t = FileTime.fromMillis(1_600_000_000_000L);
        assertThat(Files.getLastModifiedTime(original, NOFOLLOW)).isEqualTo(t);
        assertThat(Files.getLastModifiedTime(root.resolve("f/passwd"), NOFOLLOW)).isEqualTo(t);
        assertThat(Files.getLastModifiedTime(root.resolve("f"), NOFOLLOW)).isEqualTo(t); // set after children
    }

    @Test
    void readsLongNamesAndReplacesEntries() throws IOException {
        String longName = "d/" + "n".repeat(150);
        unpack(TarWriter.bytes(t -> t.dir("d").file(longName, "long")
                .symlink("d/x", "/nowhere").file("d/x", "file replaces symlink")
                .dir("d/y").file("d/y/child", "c").file("d/y", "file replaces dir")));
        assertThat(root.resolve(longName)).hasContent("long");
        assertThat(root.resolve("d/x")).isRegularFile().hasContent("file replaces symlink");
        assertThat(root.resolve("d/y")).isRegularFile().hasContent("file replaces dir");
    }

    @Test
    void replacesEveryKindOfEntryWithEveryOther() throws IOException {
        // nothing is looked up before a create: each of these hits an existing name and must replace it
        unpack(TarWriter.bytes(t -> t.dir("d")
                .file("d/a", "first").file("d/a", "second")                       // file over file
                .file("d/b", "file").symlink("d/b", "/target")                   // symlink over file
                .fifo("d/c").charDevice("d/c", 1, 3)                             // device over fifo
                .file("d/e", "file").dir("d/e").file("d/e/in", "child")          // dir over file
                .dir("d/f").file("d/f/in", "c").fifo("d/f")                      // fifo over dir
                .file("d/g", "target").file("d/h", "old").hardlink("d/h", "d/g") // hardlink over file
                .file("d/i", "hidden").whiteout("d", "i")                        // whiteout over file
                .dir("d/k").file("d/k/keep", "kept").dir("d/k", 0700, 0, 0)));   // dir again: merged
        assertThat(root.resolve("d/a")).hasContent("second");
        assertThat(Files.readSymbolicLink(root.resolve("d/b")).toString()).isEqualTo("/target");
        assertThat((int) attr(root.resolve("d/c"), "mode") & S_IFMT).isEqualTo(Native.S_IFCHR);
        assertThat(root.resolve("d/e/in")).hasContent("child");
        assertThat((int) attr(root.resolve("d/f"), "mode") & S_IFMT).isEqualTo(Native.S_IFIFO);
        assertThat(attr(root.resolve("d/h"), "ino")).isEqualTo(attr(root.resolve("d/g"), "ino"));
        assertThat((int) attr(root.resolve("d/i"), "mode") & S_IFMT).isEqualTo(Native.S_IFCHR);
        assertThat((long) attr(root.resolve("d/i"), "rdev")).isZero();
        assertThat(root.resolve("d/k/keep")).hasContent("kept");
        assertThat((int) attr(root.resolve("d/k"), "mode") & 07777).isEqualTo(0700);
    }

    @Test
    void setsExactModesWhateverTheUmaskTakesAway() throws IOException {
        // 0022 is the usual umask: 0666 and 0777 lose bits at create and need the chmod, 0644 and 0600 do not
        int umask = LayerUnpacker.readUmask();
        assertThat(umask).isBetween(0, 0777);
        byte[] x = "x".getBytes(StandardCharsets.UTF_8);
        unpack(TarWriter.bytes(t -> t.dir("m", 0777, 0, 0).dir("m/sgid", 02775, 0, 0)
                .file("m/a", x, 0666, 0, 0).file("m/b", x, 0777, 0, 0).file("m/c", x, 0644, 0, 0)
                .file("m/d", x, 0600, 0, 0).file("m/e", x, 04755, 0, 0).file("m/f", x, 0000, 0, 0)
                .file("m/sgid/g", x, 02755, 0, 0).file("m/sgid/h", x, 0644, 0, 0)
                .dir("m/sgid/sub", 0755, 0, 0)));
        Map<String, Integer> want = Map.of("m", 0777, "m/sgid", 02775, "m/a", 0666, "m/b", 0777, "m/c", 0644,
                "m/d", 0600, "m/e", 04755, "m/f", 0, "m/sgid/g", 02755, "m/sgid/h", 0644);
        for (Map.Entry<String, Integer> w : want.entrySet()) {
            assertThat((int) attr(root.resolve(w.getKey()), "mode") & 07777).as(w.getKey()).isEqualTo(w.getValue());
        }
        // a new directory inherits its setgid parent's setgid bit; the tar says 0755
        assertThat((int) attr(root.resolve("m/sgid/sub"), "mode") & 07777).isEqualTo(0755);
    }

    @Test
    void setsExactModesUnderADefaultAcl() throws IOException {
        // a default ACL replaces the umask for new files: rwx for the owner only would make 0644 come out 0600
        byte[] acl = defaultAcl(7, 0, 0);
        try {
            Native.lsetxattr(root.toString(), "system.posix_acl_default", acl);
        } catch (IOException e) {
            org.junit.jupiter.api.Assumptions.abort("no POSIX ACLs here: " + e.getMessage());
        }
        byte[] x = "x".getBytes(StandardCharsets.UTF_8);
        unpack(TarWriter.bytes(t -> t.file("top", x, 0644, 0, 0)
                .dir("acl", 0755, 0, 0, Map.of("system.posix_acl_default", acl))
                .file("acl/f", x, 0644, 0, 0)));
        assertThat((int) attr(root.resolve("top"), "mode") & 07777).isEqualTo(0644);
        assertThat((int) attr(root.resolve("acl/f"), "mode") & 07777).isEqualTo(0644);
    }

    /** posix_acl_xattr version 2: user::, group::, other:: with the given permissions. */
    private static byte[] defaultAcl(int user, int group, int other) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + 3 * 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(2);
        b.putShort((short) 0x01).putShort((short) user).putInt(-1);
        b.putShort((short) 0x04).putShort((short) group).putInt(-1);
        b.putShort((short) 0x20).putShort((short) other).putInt(-1);
        return b.array();
    }

    @Test
    void createsUnlistedParentsTraversableAndSurvivesReplacedDirectories() throws IOException {
        unpack(TarWriter.bytes(t -> t.file("x/y/z", "deep").dir("gone").file("gone", "now a file")));
        assertThat((int) attr(root.resolve("x"), "mode") & 07777).isEqualTo(0755);
        assertThat((int) attr(root.resolve("x/y"), "mode") & 07777).isEqualTo(0755);
        assertThat(root.resolve("gone")).isRegularFile().hasContent("now a file");
    }

    @Test
    void keepsUtf8FileNames() throws IOException {
        // Debian's ca-certificates ships names like this; needs a UTF-8 sun.jnu.encoding (LC_ALL=C.UTF-8)
        String name = "NetLock_Arany_=Class_Gold=_F\u0151tan\u00fas\u00edtv\u00e1ny.crt";
        unpack(TarWriter.bytes(t -> t.file(name, "pem")));
        assertThat(root.resolve(name)).hasContent("pem");
    }

    @Test
    void confinesAbsolutePathsToTheRoot() throws IOException {
        String abs = base.resolve("abs-target").toString();
        unpack(TarWriter.bytes(t -> t.file(abs, "confined")));
        assertThat(base.resolve("abs-target")).doesNotExist();
        assertThat(root.resolve(abs.substring(1))).hasContent("confined");
    }

    private void assertRefused(TarWriter.TarContent content, String message) throws IOException {
        assertThatThrownBy(() -> unpack(TarWriter.bytes(content)))
                .isInstanceOf(UnsafeLayerException.class)
                .hasMessageContaining(message);
        try (var s = Files.list(base)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("root", "outside");
        }
        assertThat(outside).hasContent("untouched");
        assertThat(attr(outside, "nlink")).isEqualTo(1);
    }

    @Test
    void refusesDotDotEscape() throws IOException {
        assertRefused(t -> t.file("../escape", "x"), "outside the layer root");
        assertRefused(t -> t.file("a/../../escape", "x"), "outside the layer root");
        assertRefused(t -> t.file("./../outside", "overwritten"), "outside the layer root");
        assertRefused(t -> t.file("../" + "x".repeat(120), "via a PAX path record"), "outside the layer root");
        assertRefused(t -> t.symlink("s", "/").hardlink("../" + "y".repeat(120), "s"), "outside the layer root");
    }

    @Test
    void refusesWritingThroughSymlinkedParent() throws IOException {
        assertRefused(t -> t.symlink("up", "..").file("up/escape", "x"), "through symlink");
        assertRefused(t -> t.symlink("abs", base.toString()).file("abs/outside", "overwritten"), "through symlink");
        assertRefused(t -> t.symlink("deep", "/").dir("deep/tmp"), "through symlink");
        assertRefused(t -> t.dir("a").symlink("a/b", "../..").file("a/b/escape", "x"), "through symlink");
    }

    @Test
    void refusesWhiteoutsAndOpaqueMarkersThroughSymlinks() throws IOException {
        assertRefused(t -> t.symlink("l", base.toString()).whiteout("l", "outside"), "through symlink");
        assertRefused(t -> t.symlink("l", base.toString()).opaque("l"), "through symlink");
        assertRefused(t -> t.whiteout("", ".."), "invalid whiteout");
    }

    @Test
    void refusesHardlinksPointingOut() throws IOException {
        assertRefused(t -> t.hardlink("hl", "../outside"), "outside the layer root");
        assertRefused(t -> t.hardlink("hl", base.resolve("outside").toString()), "hardlink target");
        assertRefused(t -> t.hardlink("hl", "/outside"), "not an earlier file");
        assertRefused(t -> t.symlink("s", base.toString()).hardlink("hl", "s/outside"), "not inside a real directory");
        assertRefused(t -> t.file("f", "x").symlink("s", base.toString()).hardlink("s/outside", "f"), "through symlink");
    }

    @Test
    void refusesCorruptTar() {
        byte[] tar = TarWriter.bytes(t -> t.file("a", "x"));
        tar[10] ^= 0x55;
        assertThatThrownBy(() -> unpack(tar)).hasMessageContaining("checksum");
    }

    @Test
    void keepsBinaryPaxXattrValues() throws IOException {
        byte[] cap = {1, 0, 0, 2, (byte) 0x80, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        unpack(TarWriter.bytes(t -> t.file("ping", new byte[]{1}, 0755, 0, 0, Map.of("security.capability", cap))));
        assertThat(Native.lgetxattr(root.resolve("ping").toString(), "security.capability")).isEqualTo(cap);
    }

    /** Cross-check with archives written by GNU tar (GNU long names, PAX with xattrs, hardlinks, sockets skipped). */
    @Test
    void unpacksWhatGnuTarWrites() throws Exception {
        Path src = Files.createDirectory(base.resolve("src"));
        String longDir = "d".repeat(120);
        Files.createDirectories(src.resolve(longDir));
        Files.writeString(src.resolve(longDir + "/" + "f".repeat(120)), "long");
        Files.writeString(src.resolve("file"), "content");
        Files.createLink(src.resolve("hard"), src.resolve("file"));
        Files.createSymbolicLink(src.resolve("sym"), Path.of("file"));
        Native.lsetxattr(src.resolve("file").toString(), "user.k", "v".getBytes(StandardCharsets.UTF_8));
        Native.lchown(src.resolve("file").toString(), 123, 456);
        for (String format : new String[]{"gnu", "posix"}) {
            Path tar = base.resolve(format + ".tar");
            run("tar", "--format=" + format, "--xattrs", "--xattrs-include=user.*", "-C", src.toString(),
                    "-cf", tar.toString(), ".");
            Path out = Files.createDirectory(base.resolve("out-" + format));
            try (var in = Files.newInputStream(tar)) {
                LayerUnpacker.unpack(in, out);
            }
            assertThat(out.resolve(longDir + "/" + "f".repeat(120))).hasContent("long");
            assertThat(out.resolve("file")).hasContent("content");
            assertThat(attr(out.resolve("hard"), "ino")).isEqualTo(attr(out.resolve("file"), "ino"));
            assertThat(attr(out.resolve("file"), "uid")).isEqualTo(123);
            assertThat(attr(out.resolve("file"), "gid")).isEqualTo(456);
            assertThat(Files.readSymbolicLink(out.resolve("sym")).toString()).isEqualTo("file");
            if (format.equals("posix")) {
                assertThat(Native.lgetxattr(out.resolve("file").toString(), "user.k"))
                        .isEqualTo("v".getBytes(StandardCharsets.UTF_8));
            }
            assertThat(Files.getLastModifiedTime(out.resolve("file")))
                    .isEqualTo(Files.getLastModifiedTime(src.resolve("file")));
        }
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + output).isZero();
    }
}
