package io.jcri.runtime.launch;

import io.jcri.runtime.sys.Native;
import io.jcri.runtime.sys.Sc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Overlays with more layers than mount(2)'s one page of options holds with absolute paths. */
class OverlayMountTest {
    @TempDir
    Path tmp;

    /** {@code n} layers named like snapshot digests under a long directory, each holding the file layer-i. */
    private List<Path> layers(int n) throws Exception {
        Path parent = tmp.resolve("a-long-directory-name-like-var-lib-jcri-images-snapshots-sha256".repeat(2));
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Path d = parent.resolve(String.format("%064x", i));
            Files.createDirectories(d);
            Files.writeString(d.resolve("layer-" + i), "" + i);
            Files.writeString(d.resolve("top"), "" + i); // the first (top) layer's copy wins
            out.add(d);
        }
        return out;
    }

    /** Runs {@code mount} in a private mount namespace of a throwaway thread and lists the overlay's root. */
    private List<String> mountAndList(MountAction mount) throws Exception {
        Path target = Files.createDirectories(tmp.resolve("rootfs"));
        Path upper = Files.createDirectories(tmp.resolve("upper")), work = Files.createDirectories(tmp.resolve("work"));
        CompletableFuture<List<String>> listing = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                Native.check((int) Native.syscall(Sc.UNSHARE, Sc.CLONE_FS | Sc.CLONE_NEWNS, 0, 0, 0, 0, 0),
                        "unshare");
                Native.mount("", "/", null, Sc.MS_PRIVATE | Sc.MS_REC, null);
                mount.run(target, upper, work);
                List<String> names = new ArrayList<>();
                try (Stream<Path> s = Files.list(target)) {
                    s.forEach(p -> names.add(p.getFileName().toString()));
                }
                names.add("top=" + Files.readString(target.resolve("top")));
                listing.complete(names);
            } catch (Throwable e) {
                listing.completeExceptionally(e);
            }
        });
        t.start();
        t.join();
        // the namespace ended with the thread: nothing is left mounted on the host
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(target.toString());
        return listing.get();
    }

    interface MountAction {
        void run(Path target, Path upper, Path work) throws Exception;
    }

    @Test
    void moreLayersThanOnePageOfAbsolutePathsMountLayerByLayer() throws Exception {
        List<Path> lower = layers(127);
        assertThat(OverlayMount.data(lower.stream().map(Path::toString).toList(), tmp, tmp).length())
                .isGreaterThan(OverlayMount.MAX_DATA);
        List<String> names = mountAndList((target, upper, work) -> OverlayMount.mount(target, lower, upper, work));
        assertThat(names).contains("layer-0", "layer-126", "top=0").hasSize(127 + 2);
    }

    @Test
    void olderKernelsGetPathsRelativeToTheLayersCommonParent() throws Exception {
        List<Path> lower = layers(50);
        assertThat(OverlayMount.data(lower.stream().map(Path::toString).toList(), tmp, tmp).length())
                .isGreaterThan(OverlayMount.MAX_DATA);
        List<String> names = mountAndList((target, upper, work) ->
                OverlayMount.mountRelative(target, lower, upper, work));
        assertThat(names).contains("layer-0", "layer-49", "top=0").hasSize(50 + 2);
    }

    /** 127 digest-named layers are 8 KB even as relative paths: below 6.8 they go through short links. */
    @Test
    void olderKernelsMountEvenTheMostLayersThroughShortLinks() throws Exception {
        List<Path> lower = layers(127);
        Path parent = OverlayMount.commonParent(lower);
        assertThat(OverlayMount.data(lower.stream().map(d -> parent.relativize(d).toString()).toList(), tmp, tmp)
                .length()).isGreaterThan(OverlayMount.MAX_DATA);
        List<String> names = mountAndList((target, upper, work) ->
                OverlayMount.mountRelative(target, lower, upper, work));
        assertThat(names).contains("layer-0", "layer-126", "top=0").hasSize(127 + 2);
        assertThat(tmp.resolve("work-layers")).as("the links are gone once mounted").doesNotExist();
    }
}
