package io.jcri.image.unpack;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A streaming reader of ustar, GNU and PAX tar archives, as found in image layers. Written here rather than
 * taken from commons-compress because PAX values must stay bytes: xattrs such as
 * {@code security.capability} are binary and a UTF-8 decode would corrupt them.
 */
public final class TarReader {
    private static final int BLOCK = 512;
    private static final String XATTR_PREFIX = "SCHILY.xattr.";

    private final InputStream in;
    private final byte[] header = new byte[BLOCK];
    private long remaining;
    private long padding;
    private boolean ended;

    public TarReader(InputStream in) {
        this.in = in;
    }

    /** The next entry, or null at the end of the archive. Skips what is left of the previous entry's data. */
    public TarEntry next() throws IOException {
        skipRest();
        String longName = null;
        String longLink = null;
        Map<String, byte[]> pax = new HashMap<>();
        while (!ended) {
            if (!readBlock(header)) {
                ended = true;
                return null;
            }
            if (isZero(header)) {
                ended = true;
                return null;
            }
            verifyChecksum();
            char type = (char) header[156];
            long size = number(124, 12);
            if (size < 0) {
                throw new IOException("tar header with negative size");
            }
            switch (type) {
                case 'x' -> {
                    pax.putAll(readPax(size));
                    continue;
                }
                case 'g' -> {
                    readBytes(size); // global headers carry nothing a layer needs
                    continue;
                }
                case 'L' -> {
                    longName = cString(readBytes(size));
                    continue;
                }
                case 'K' -> {
                    longLink = cString(readBytes(size));
                    continue;
                }
                default -> {
                }
            }
            String name = string(0, 100);
            boolean ustar = header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a'
                    && header[261] == 'r' && header[262] == 0;
            if (ustar) {
                String prefix = string(345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
            }
            String link = string(157, 100);
            if (longName != null) {
                name = longName;
            }
            if (longLink != null) {
                link = longLink;
            }
            int uid = (int) number(108, 8);
            int gid = (int) number(116, 8);
            long mtime = number(136, 12);
            long mtimeNanos = 0;
            Map<String, byte[]> xattrs = new LinkedHashMap<>();
            for (Map.Entry<String, byte[]> e : pax.entrySet()) {
                String v = new String(e.getValue(), StandardCharsets.UTF_8);
                switch (e.getKey()) {
                    case "path" -> name = v;
                    case "linkpath" -> link = v;
                    case "size" -> size = Long.parseLong(v);
                    case "uid" -> uid = (int) Long.parseLong(v);
                    case "gid" -> gid = (int) Long.parseLong(v);
                    case "mtime" -> {
                        int dot = v.indexOf('.');
                        mtime = Long.parseLong(dot < 0 ? v : v.substring(0, dot));
                        if (dot >= 0) {
                            String frac = (v.substring(dot + 1) + "000000000").substring(0, 9);
                            mtimeNanos = Long.parseLong(frac);
                        }
                    }
                    default -> {
                        if (e.getKey().startsWith(XATTR_PREFIX)) {
                            xattrs.put(e.getKey().substring(XATTR_PREFIX.length()), e.getValue());
                        }
                    }
                }
            }
            if (type == 0) {
                type = TarEntry.REGULAR;
            } else if (type == '7') {
                type = TarEntry.REGULAR;
            }
            boolean hasData = type == TarEntry.REGULAR;
            if (!hasData && type != TarEntry.DIRECTORY && type != TarEntry.SYMLINK && type != TarEntry.HARDLINK
                    && type != TarEntry.CHAR_DEVICE && type != TarEntry.BLOCK_DEVICE && type != TarEntry.FIFO) {
                hasData = true; // unknown type: its data is skipped by the caller, the stream stays aligned
            }
            long dataSize = hasData ? size : (type == TarEntry.HARDLINK ? 0 : size);
            remaining = dataSize;
            padding = (BLOCK - dataSize % BLOCK) % BLOCK;
            return new TarEntry(name, link, type, (int) number(100, 8) & 07777, uid, gid, dataSize, mtime,
                    mtimeNanos, (int) number(329, 8), (int) number(337, 8), xattrs);
        }
        return null;
    }

    /** The current entry's data; reading past its end returns -1. */
    public InputStream content() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining <= 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) {
                    throw new EOFException("tar archive truncated inside an entry");
                }
                remaining -= n;
                return n;
            }
        };
    }

    private void skipRest() throws IOException {
        skipFully(remaining + padding);
        remaining = 0;
        padding = 0;
    }

    private void skipFully(long n) throws IOException {
        byte[] buf = new byte[8192];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) {
                throw new EOFException("tar archive truncated");
            }
            n -= r;
        }
    }

    private byte[] readBytes(long size) throws IOException {
        if (size > 16 << 20) {
            throw new IOException("tar extended header too large: " + size);
        }
        byte[] data = in.readNBytes((int) size);
        if (data.length != size) {
            throw new EOFException("tar archive truncated in an extended header");
        }
        skipFully((BLOCK - size % BLOCK) % BLOCK);
        return data;
    }

    private Map<String, byte[]> readPax(long size) throws IOException {
        byte[] data = readBytes(size);
        Map<String, byte[]> out = new HashMap<>();
        int i = 0;
        while (i < data.length) {
            int space = i;
            while (space < data.length && data[space] != ' ') {
                space++;
            }
            if (space >= data.length) {
                throw new IOException("malformed PAX record");
            }
            int len = Integer.parseInt(new String(data, i, space - i, StandardCharsets.US_ASCII));
            int end = i + len;
            if (len <= 0 || end > data.length || data[end - 1] != '\n') {
                throw new IOException("malformed PAX record length " + len);
            }
            int eq = space + 1;
            while (eq < end && data[eq] != '=') {
                eq++;
            }
            String key = new String(data, space + 1, eq - space - 1, StandardCharsets.UTF_8);
            byte[] value = java.util.Arrays.copyOfRange(data, eq + 1, end - 1);
            out.put(key, value);
            i = end;
        }
        return out;
    }

    private boolean readBlock(byte[] block) throws IOException {
        int n = in.readNBytes(block, 0, BLOCK);
        if (n == 0) {
            return false;
        }
        if (n < BLOCK) {
            throw new EOFException("tar archive truncated in a header");
        }
        return true;
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private void verifyChecksum() throws IOException {
        long stored = number(148, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xff);
        }
        if (sum != stored) {
            throw new IOException("tar header checksum mismatch: not a tar archive or corrupted");
        }
    }

    private String string(int off, int len) {
        int end = off;
        while (end < off + len && header[end] != 0) {
            end++;
        }
        return new String(header, off, end - off, StandardCharsets.UTF_8);
    }

    private static String cString(byte[] b) {
        int end = 0;
        while (end < b.length && b[end] != 0) {
            end++;
        }
        return new String(b, 0, end, StandardCharsets.UTF_8);
    }

    /** Octal ASCII, or GNU base-256 when the high bit of the first byte is set. */
    private long number(int off, int len) {
        if ((header[off] & 0x80) != 0) {
            long v = header[off] & 0x3f;
            if ((header[off] & 0x40) != 0) {
                v |= ~0x3fL; // negative
            }
            for (int i = 1; i < len; i++) {
                v = (v << 8) | (header[off + i] & 0xff);
            }
            return v;
        }
        long v = 0;
        int i = off;
        int end = off + len;
        while (i < end && (header[i] == ' ' || header[i] == 0)) {
            i++;
        }
        while (i < end && header[i] >= '0' && header[i] <= '7') {
            v = v * 8 + (header[i] - '0');
            i++;
        }
        return v;
    }
}
