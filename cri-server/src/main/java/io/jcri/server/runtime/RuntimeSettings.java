package io.jcri.server.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * Settings kubelet pushes at run time (the pod CIDR), kept in the state dir so a restarted daemon still
 * knows them.
 */
public final class RuntimeSettings {
    private final Path file;
    private volatile String podCidr = "";

    public RuntimeSettings(Path stateDir) {
        this.file = stateDir.resolve("runtime-settings.properties");
        load();
    }

    public String podCidr() {
        return podCidr;
    }

    public synchronized void setPodCidr(String cidr) {
        podCidr = cidr;
        save();
    }

    private void load() {
        if (!Files.isRegularFile(file)) {
            return;
        }
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        podCidr = p.getProperty("pod_cidr", "");
    }

    private void save() {
        Properties p = new Properties();
        p.setProperty("pod_cidr", podCidr);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (var out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(out, "written by jcri");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + tmp, e);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace " + file, e);
        }
    }
}
