package io.jcri.image.unpack;

import java.util.Map;

/** One tar header after PAX and GNU long-name records have been applied. */
public record TarEntry(String name, String linkName, char type, int mode, int uid, int gid, long size,
                       long mtimeSeconds, long mtimeNanos, int devMajor, int devMinor, Map<String, byte[]> xattrs) {
    public static final char REGULAR = '0';
    public static final char HARDLINK = '1';
    public static final char SYMLINK = '2';
    public static final char CHAR_DEVICE = '3';
    public static final char BLOCK_DEVICE = '4';
    public static final char DIRECTORY = '5';
    public static final char FIFO = '6';
}
