package io.jcri.server.network;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache entry a deferred fsync leaves: readable at once, root-only, and a removed entry's sync is no error. */
class CniResultCacheTest {
    @TempDir
    Path dir;

    @Test
    void anEntryIsReadableBeforeItsSyncAndTheSyncCompletes() throws Exception {
        CniResultCache cache = new CniResultCache(dir);
        ObjectNode entry = new ObjectMapper().createObjectNode().put("netns", "/run/netns/x");
        var synced = cache.putSyncLater("sb1", entry);
        assertThat(cache.get("sb1")).get().isEqualTo(entry);
        synced.get(10, TimeUnit.SECONDS);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("sb1.json"))))
                .isEqualTo("rw-------");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("sb1.json");
        }
    }

    @Test
    void aSyncOfAnEntryRemovedMeanwhileIsNoFailure() throws Exception {
        CniResultCache cache = new CniResultCache(dir);
        var synced = cache.putSyncLater("sb2", new ObjectMapper().createObjectNode());
        cache.remove("sb2");
        synced.get(10, TimeUnit.SECONDS);
        assertThat(cache.get("sb2")).isEmpty();
    }
}
