package io.jcri.image.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Recursive deletion that never follows symlinks (layers are full of them). */
public final class FileTrees {
    private FileTrees() {
    }

    /**
     * Deletes a file or a directory tree. Each entry is unlinked relative to its open parent directory
     * ({@code unlinkat}) without looking at it first; only an entry that refuses as a file is opened as a directory
     * (never through a symlink) and emptied. That is one system call per file where a walk by path takes two and a
     * lookup of every path component: a layer of 5,000 small files is deleted in a fraction of the time.
     */
    public static void deleteRecursively(Path root) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(root, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if (a.isDirectory()) {
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(root)) {
                if (dir instanceof SecureDirectoryStream<Path> secure) {
                    deleteContents(secure);
                } else {
                    walkAndDelete(root);
                    return;
                }
            } catch (NoSuchFileException e) {
                return;
            }
        }
        Files.deleteIfExists(root);
    }

    private static void deleteContents(SecureDirectoryStream<Path> dir) throws IOException {
        for (Path entry : dir) {
            Path name = entry.getFileName();
            try {
                dir.deleteFile(name);
                continue;
            } catch (NoSuchFileException gone) {
                continue;
            } catch (FileSystemException maybeDirectory) {
                // EISDIR: a directory, emptied below; anything else shows again when it is opened or removed
            }
            try (SecureDirectoryStream<Path> sub = dir.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
                deleteContents(sub);
            } catch (NoSuchFileException gone) {
                continue;
            } catch (NotDirectoryException replaced) {
                dir.deleteFile(name);
                continue;
            }
            try {
                dir.deleteDirectory(name);
            } catch (NoSuchFileException gone) {
                // removed meanwhile
            }
        }
    }

    private static void walkAndDelete(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw exc;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
