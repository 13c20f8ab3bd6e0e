package io.jcri.runtime;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Loads and initialises every class of this module up front. A launch thread that has pivoted into a container
 * root (or setns'd into one) can no longer open the daemon's class files, and a failed class load from a directory
 * class path is cached for the whole JVM; classes from an already-open jar still load, so the daemon should also
 * run from jars.
 */
final class Preloader {
    private Preloader() {}

    static int preload() {
        List<String> names = new ArrayList<>();
        try {
            Path src = Path.of(Preloader.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(src)) {
                try (Stream<Path> s = Files.walk(src)) {
                    s.filter(p -> p.toString().endsWith(".class"))
                            .forEach(p -> names.add(src.relativize(p).toString()));
                }
            } else {
                try (JarFile jar = new JarFile(src.toFile())) {
                    Enumeration<JarEntry> e = jar.entries();
                    while (e.hasMoreElements()) {
                        String n = e.nextElement().getName();
                        if (n.endsWith(".class") && n.startsWith("io/jcri/runtime/")) names.add(n);
                    }
                }
            }
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot list runtime classes", e);
        }
        ClassLoader loader = Preloader.class.getClassLoader();
        int n = 0;
        for (String file : names) {
            String cls = file.substring(0, file.length() - 6).replace('/', '.');
            if (cls.endsWith("module-info") || cls.endsWith("package-info")) continue;
            try {
                Class.forName(cls, true, loader);
                n++;
            } catch (ClassNotFoundException | LinkageError e) {
                // optional classes (e.g. the other engineer's packages mid-merge) are not fatal here
            }
        }
        return n;
    }
}
