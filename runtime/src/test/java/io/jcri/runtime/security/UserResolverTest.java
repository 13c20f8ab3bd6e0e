package io.jcri.runtime.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserResolverTest {
    @TempDir
    Path rootfs;

    private final UserResolver resolver = new UserResolver();

    @BeforeEach
    void image() throws Exception {
        Files.createDirectories(rootfs.resolve("etc"));
        Files.writeString(rootfs.resolve("etc/passwd"), """
                root:x:0:0:root:/root:/bin/sh
                daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
                # a comment
                www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
                app:x:1000:1000::/home/app:/bin/sh
                broken:line
                """);
        Files.writeString(rootfs.resolve("etc/group"), """
                root:x:0:
                daemon:x:1:
                www-data:x:33:app
                app:x:1000:
                audio:x:29:app,daemon
                video:x:44:daemon
                """);
    }

    @Test
    void byName() {
        ResolvedUser user = resolver.resolve(rootfs, "app", null, null, List.of());
        assertThat(user).isEqualTo(new ResolvedUser(1000, 1000, "/home/app", List.of(29L, 33L, 1000L)));
    }

    @Test
    void byNameAndGroup() {
        assertThat(resolver.resolve(rootfs, "app:audio", null, null, List.of()))
                .isEqualTo(new ResolvedUser(1000, 29, "/home/app", List.of(29L, 33L)));
        assertThat(resolver.resolve(rootfs, "daemon:44", null, null, List.of()))
                .isEqualTo(new ResolvedUser(1, 44, "/usr/sbin", List.of(29L, 44L)));
        assertThat(resolver.resolve(rootfs, "33:video", null, null, List.of()))
                .isEqualTo(new ResolvedUser(33, 44, "/var/www", List.of(44L)));
    }

    /** A top layer that only appended to /etc/passwd: /etc/group still comes from the base layer below it. */
    @Test
    void eachFileComesFromTheTopmostLayerThatHasIt(@TempDir Path top) throws Exception {
        Files.createDirectories(top.resolve("etc"));
        Files.writeString(top.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nweb:x:2000:33::/srv:/bin/sh\n");
        List<Path> layers = List.of(top, rootfs);
        assertThat(resolver.resolve(layers, "web:audio", null, null, List.of()))
                .isEqualTo(new ResolvedUser(2000, 29, "/srv", List.of(29L)));
        // the base layer's users are hidden by the top layer's passwd
        assertThatThrownBy(() -> resolver.resolve(layers, "app", null, null, List.of()))
                .hasMessageContaining("no user \"app\"");
    }

    @Test
    void numeric() {
        assertThat(resolver.resolve(rootfs, "1000:5", null, null, List.of()))
                .isEqualTo(new ResolvedUser(1000, 5, "/home/app", List.of(5L, 29L, 33L)));
        assertThat(resolver.resolve(rootfs, "4242", null, null, List.of()))
                .isEqualTo(new ResolvedUser(4242, 0, "/", List.of(0L)));
        assertThat(resolver.resolve(rootfs, null, 1000L, 7L, List.of(100L, 29L)))
                .isEqualTo(new ResolvedUser(1000, 7, "/home/app", List.of(7L, 29L, 33L, 100L)));
        assertThat(resolver.resolve(rootfs, "", null, null, null))
                .isEqualTo(new ResolvedUser(0, 0, "/root", List.of(0L)));
    }

    @Test
    void explicitIdsWinOverTheUserString() {
        assertThat(resolver.resolve(rootfs, "app:audio", 33L, 1L, List.of()))
                .isEqualTo(new ResolvedUser(33, 1, "/var/www", List.of(1L)));
    }

    @Test
    void unknownNamesAreErrors() {
        assertThatThrownBy(() -> resolver.resolve(rootfs, "nobody", null, null, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no user \"nobody\"");
        assertThatThrownBy(() -> resolver.resolve(rootfs, "app:wheel", null, null, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no group \"wheel\"");
    }

    @Test
    void missingFilesAreFineForNumericIds(@TempDir Path empty) {
        assertThat(resolver.resolve(empty, "1234:5678", null, null, List.of(9L)))
                .isEqualTo(new ResolvedUser(1234, 5678, "/", List.of(9L, 5678L)));
        assertThatThrownBy(() -> resolver.resolve(empty, "app", null, null, List.of()))
                .hasMessageContaining("no user \"app\"");
    }

    @Test
    void symlinksNeverLeadOutOfTheRootfs(@TempDir Path host) throws Exception {
        // the host's "/etc/passwd" an attacker would like us to read, played by a file outside the rootfs
        Files.writeString(host.resolve("passwd"), "evil:x:0:0::/:/bin/sh\n");
        Files.delete(rootfs.resolve("etc/passwd"));
        Files.createSymbolicLink(rootfs.resolve("etc/passwd"), host.resolve("passwd"));
        // an absolute link is taken relative to the rootfs: <rootfs><host>/passwd does not exist
        assertThatThrownBy(() -> resolver.resolve(rootfs, "evil", null, null, List.of()))
                .hasMessageContaining("no user \"evil\"");

        Files.delete(rootfs.resolve("etc/passwd"));
        Files.createSymbolicLink(rootfs.resolve("etc/passwd"), Path.of("../../../../../../../../" + host + "/passwd"));
        assertThatThrownBy(() -> resolver.resolve(rootfs, "evil", null, null, List.of()))
                .hasMessageContaining("no user \"evil\"");

        // the same links resolved inside the rootfs do work
        Path inside = rootfs.resolve(host.toString().substring(1));
        Files.createDirectories(inside);
        Files.writeString(inside.resolve("passwd"), "contained:x:7:7::/c:/bin/sh\n");
        assertThat(resolver.resolve(rootfs, "contained", null, null, List.of()).uid()).isEqualTo(7);
    }

    @Test
    void realHostPasswdLinkIsNotFollowed() throws Exception {
        Files.delete(rootfs.resolve("etc/passwd"));
        // inside the rootfs "/etc/passwd -> /etc/passwd" points at itself: ELOOP, not the host's file
        Files.createSymbolicLink(rootfs.resolve("etc/passwd"), Path.of("/etc/passwd"));
        assertThatThrownBy(() -> resolver.resolve(rootfs, "root", null, null, List.of()))
                .hasRootCauseMessage("too many symbolic links resolving /etc/passwd in " + rootfs);
        Path other = Files.createDirectory(rootfs.resolve("other-image"));
        Files.createSymbolicLink(other.resolve("hostetc"), Path.of("/etc"));
        assertThat(RootfsPath.resolve(other, "/hostetc/passwd")).isEqualTo(other.toAbsolutePath()
                .resolve("etc/passwd"));
    }

    @Test
    void symlinkLoopsEnd() throws Exception {
        Files.createSymbolicLink(rootfs.resolve("a"), Path.of("b"));
        Files.createSymbolicLink(rootfs.resolve("b"), Path.of("/a"));
        assertThatThrownBy(() -> RootfsPath.resolve(rootfs, "/a/passwd"))
                .hasMessageContaining("too many symbolic links");
    }
}
