package io.jcri.image.reference;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageReferenceTest {
    private static final String D = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    @ParameterizedTest
    @CsvSource({
            "busybox, docker.io/library/busybox:latest",
            "busybox:1.36, docker.io/library/busybox:1.36",
            "library/busybox, docker.io/library/busybox:latest",
            "docker.io/busybox, docker.io/library/busybox:latest",
            "index.docker.io/library/busybox:1, docker.io/library/busybox:1",
            "user/app, docker.io/user/app:latest",
            "registry.k8s.io/pause:3.10, registry.k8s.io/pause:3.10",
            "localhost/app, localhost/app:latest",
            "localhost:5000/a/b/c:v1.2-rc_3, localhost:5000/a/b/c:v1.2-rc_3",
            "127.0.0.1:5000/app, 127.0.0.1:5000/app:latest",
            "[::1]:5000/app:x, [::1]:5000/app:x",
            "my-registry.example.com/team/app__x.y-z:tag, my-registry.example.com/team/app__x.y-z:tag",
            "Example.com/app, Example.com/app:latest",
    })
    void normalises(String in, String expected) {
        assertThat(ImageReference.parse(in).toString()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"busybox@" + D, "docker.io/library/busybox@" + D})
    void digestOnly(String in) {
        ImageReference r = ImageReference.parse(in);
        assertThat(r.repository()).isEqualTo("docker.io/library/busybox");
        assertThat(r.tag()).isEmpty();
        assertThat(r.digest()).contains(Digest.parse(D));
        assertThat(r.manifestReference()).isEqualTo(D);
        assertThat(r.toString()).isEqualTo("docker.io/library/busybox@" + D);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost:5000/app:v1@" + D})
    void tagAndDigest(String in) {
        ImageReference r = ImageReference.parse(in);
        assertThat(r.domain()).isEqualTo("localhost:5000");
        assertThat(r.path()).isEqualTo("app");
        assertThat(r.tag()).contains("v1");
        assertThat(r.manifestReference()).isEqualTo(D); // the digest wins
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Busybox", "docker.io/Library/busybox", "busybox:", "busybox:-bad", "a//b",
            "/busybox", "busybox/", "busybox@sha256:abc", "busybox@md5:a", "host:port/app", "a b",
            "busybox:ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt", "-lead/app", "app..x", "ex-.com/app/x/"})
    void rejectsMalformed(String in) {
        assertThatThrownBy(() -> ImageReference.parse(in))
                .isInstanceOf(InvalidReferenceException.class)
                .hasMessageContaining("invalid image reference");
    }

    @org.junit.jupiter.api.Test
    void rejectsOverlongName() {
        String longName = "a/".repeat(130) + "b";
        assertThatThrownBy(() -> ImageReference.parse(longName)).hasMessageContaining("longer than 255");
    }
}
