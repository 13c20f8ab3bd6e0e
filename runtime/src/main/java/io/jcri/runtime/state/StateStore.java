package io.jcri.runtime.state;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Container records as JSON files, {@code <stateDir>/containers/<id>/state.json}, replaced atomically. */
public final class StateStore {
    private final Path dir;
    private final ObjectMapper json = JsonMapper.builder().addModule(instants())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    /** ISO-8601 Instants without pulling in jackson-datatype-jsr310. */
    private static SimpleModule instants() {
        SimpleModule m = new SimpleModule("instants");
        m.addSerializer(Instant.class, new JsonSerializer<>() {
            @Override
            public void serialize(Instant v, JsonGenerator g, SerializerProvider p) throws IOException {
                g.writeString(v.toString());
            }
        });
        m.addDeserializer(Instant.class, new JsonDeserializer<>() {
            @Override
            public Instant deserialize(JsonParser p, DeserializationContext c) throws IOException {
                return Instant.parse(p.getValueAsString());
            }
        });
        return m;
    }

    public StateStore(Path stateDir) {
        this.dir = stateDir.resolve("containers");
    }

    public Path containerDir(String id) {
        return dir.resolve(id);
    }

    public void save(ContainerRecord r) {
        Path d = containerDir(r.spec().id());
        try {
            Files.createDirectories(d);
            Path tmp = d.resolve("state.json.tmp");
            json.writeValue(tmp.toFile(), r);
            Files.move(tmp, d.resolve("state.json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("save state of " + r.spec().id(), e);
        }
    }

    public void remove(String id) {
        Path d = containerDir(id);
        try {
            Files.deleteIfExists(d.resolve("state.json"));
            Files.deleteIfExists(d.resolve("state.json.tmp"));
            Files.deleteIfExists(d);
        } catch (IOException e) {
            throw new UncheckedIOException("remove state of " + id, e);
        }
    }

    public List<ContainerRecord> loadAll() {
        List<ContainerRecord> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path d : s.toList()) {
                Path f = d.resolve("state.json");
                if (Files.isRegularFile(f)) out.add(json.readValue(f.toFile(), ContainerRecord.class));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("load state", e);
        }
        return out;
    }
}
