package io.jcri.image.manifest;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManifestParserTest {
    private static final String D1 = "sha256:" + "1".repeat(64);
    private static final String D2 = "sha256:" + "2".repeat(64);
    private static final String D3 = "sha256:" + "3".repeat(64);
    private static final String D4 = "sha256:" + "4".repeat(64);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void refusesSchema1ByContentTypeAndByBody() {
        String schema1 = "{\"schemaVersion\":1,\"name\":\"x\",\"tag\":\"latest\",\"fsLayers\":[]}";
        assertThatThrownBy(() -> ManifestParser.parse(b(schema1), MediaTypes.DOCKER_SCHEMA1_SIGNED))
                .isInstanceOf(UnsupportedManifestException.class).hasMessageContaining("schema 1 is not supported");
        assertThatThrownBy(() -> ManifestParser.parse(b(schema1), "application/json"))
                .hasMessageContaining("schema 1 is not supported");
    }

    @Test
    void readsOciManifestWithoutMediaTypeField() {
        String m = "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"" + MediaTypes.OCI_CONFIG + "\",\"digest\":\""
                + D1 + "\",\"size\":7},\"layers\":[{\"mediaType\":\"" + MediaTypes.OCI_LAYER_ZSTD + "\",\"digest\":\""
                + D2 + "\",\"size\":9}]}";
        ImageManifest parsed = (ImageManifest) ManifestParser.parse(b(m), "application/octet-stream");
        assertThat(parsed.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(parsed.config().size()).isEqualTo(7);
        assertThat(parsed.layers()).singleElement().satisfies(l -> {
            assertThat(l.digest().toString()).isEqualTo(D2);
            assertThat(l.mediaType()).isEqualTo(MediaTypes.OCI_LAYER_ZSTD);
        });
    }

    @Test
    void refusesUnknownMediaType() {
        assertThatThrownBy(() -> ManifestParser.parse(b("{\"schemaVersion\":2,\"mediaType\":\"application/x-foo\"}"),
                "application/x-foo")).hasMessageContaining("unsupported manifest media type");
    }

    private static ImageIndex index() {
        String i = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST_LIST + "\",\"manifests\":["
                + entry(D1, "linux", "arm", "v7") + "," + entry(D2, "linux", "arm64", "v8") + ","
                + entry(D3, "linux", "amd64", "") + "," + entry(D4, "unknown", "unknown", "") + "]}";
        return (ImageIndex) ManifestParser.parse(b(i), MediaTypes.DOCKER_MANIFEST_LIST);
    }

    private static String entry(String d, String os, String arch, String variant) {
        return "{\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST + "\",\"digest\":\"" + d + "\",\"size\":1,"
                + "\"platform\":{\"os\":\"" + os + "\",\"architecture\":\"" + arch + "\""
                + (variant.isEmpty() ? "" : ",\"variant\":\"" + variant + "\"") + "}}";
    }

    @Test
    void selectsPlatform() {
        ImageIndex index = index();
        assertThat(PlatformSelector.select(index, Platform.parse("linux/amd64")).orElseThrow().digest().toString())
                .isEqualTo(D3);
        assertThat(PlatformSelector.select(index, Platform.parse("linux/arm64")).orElseThrow().digest().toString())
                .isEqualTo(D2);
        assertThat(PlatformSelector.select(index, Platform.parse("linux/aarch64/v8")).orElseThrow().digest()
                .toString()).isEqualTo(D2);
        assertThat(PlatformSelector.select(index, Platform.parse("linux/arm/v7")).orElseThrow().digest().toString())
                .isEqualTo(D1);
        assertThat(PlatformSelector.select(index, Platform.parse("linux/arm/v6"))).isEmpty();
        assertThat(PlatformSelector.select(index, Platform.parse("linux/s390x"))).isEmpty();
        assertThat(PlatformSelector.select(index, Platform.parse("windows/amd64"))).isEmpty();
    }

    @Test
    void readsImageConfig() {
        String cfg = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Entrypoint\":[\"/e\"],\"Cmd\":[\"c\"],"
                + "\"Env\":[\"A=1\"],\"WorkingDir\":\"/w\",\"User\":\"1000:1000\",\"StopSignal\":\"SIGQUIT\","
                + "\"ExposedPorts\":{\"80/tcp\":{}},\"Volumes\":{\"/data\":{}},\"Labels\":{\"k\":\"v\"}},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + D1 + "\"]}}";
        ImageConfig c = ImageConfig.parse(b(cfg));
        assertThat(c.entrypoint()).containsExactly("/e");
        assertThat(c.cmd()).containsExactly("c");
        assertThat(c.env()).containsExactly("A=1");
        assertThat(c.workingDir()).isEqualTo("/w");
        assertThat(c.user()).isEqualTo("1000:1000");
        assertThat(c.stopSignal()).isEqualTo("SIGQUIT");
        assertThat(c.exposedPorts()).containsExactly("80/tcp");
        assertThat(c.volumes()).containsExactly("/data");
        assertThat(c.labels()).containsEntry("k", "v");
        assertThat(c.diffIds()).extracting(Object::toString).isEqualTo(List.of(D1));
    }
}
