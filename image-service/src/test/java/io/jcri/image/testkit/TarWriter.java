package io.jcri.image.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes tar archives byte by byte, with names exactly as given (no normalisation), so tests can build both
 * ordinary layers and malicious ones ({@code ../x}, absolute paths, links pointing out). Long names, long link
 * targets and xattrs go into PAX headers.
 */
public final class TarWriter {
    private static final int BLOCK = 512;

    private final OutputStream out;
    private long mtime = 1_700_000_000L;

    public TarWriter(OutputStream out) {
        this.out = out;
    }

    /** A tar in memory: {@code TarWriter.bytes(t -> t.file("a", "x"))}. */
    public static byte[] bytes(TarContent content) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        TarWriter w = new TarWriter(bos);
        try {
            content.write(w);
            w.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    @FunctionalInterface
    public interface TarContent {
        void write(TarWriter tar) throws IOException;
    }

    public TarWriter mtime(long epochSeconds) {
        this.mtime = epochSeconds;
        return this;
    }

    public TarWriter dir(String name) throws IOException {
        return dir(name, 0755, 0, 0);
    }

    public TarWriter dir(String name, int mode, int uid, int gid) throws IOException {
        return dir(name, mode, uid, gid, Map.of());
    }

    public TarWriter dir(String name, int mode, int uid, int gid, Map<String, byte[]> xattrs) throws IOException {
        entry(name, '5', mode, uid, gid, 0, "", 0, 0, xattrs);
        return this;
    }

    public TarWriter file(String name, String content) throws IOException {
        return file(name, content.getBytes(StandardCharsets.UTF_8), 0644, 0, 0);
    }

    public TarWriter file(String name, byte[] content, int mode, int uid, int gid) throws IOException {
        return file(name, content, mode, uid, gid, Map.of());
    }

    public TarWriter file(String name, byte[] content, int mode, int uid, int gid, Map<String, byte[]> xattrs)
            throws IOException {
        entry(name, '0', mode, uid, gid, content.length, "", 0, 0, xattrs);
        out.write(content);
        pad(content.length);
        return this;
    }

    /** A regular file whose content is streamed, for big generated layers. */
    public OutputStream fileStream(String name, long size, int mode) throws IOException {
        entry(name, '0', mode, 0, 0, size, "", 0, 0, Map.of());
        return new OutputStream() {
            long written;

            @Override
            public void write(int b) throws IOException {
                write(new byte[]{(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                written += len;
            }

            @Override
            public void close() throws IOException {
                if (written != size) {
                    throw new IOException("wrote " + written + " of " + size + " bytes for " + name);
                }
                pad(size);
            }
        };
    }

    public TarWriter symlink(String name, String target) throws IOException {
        entry(name, '2', 0777, 0, 0, 0, target, 0, 0, Map.of());
        return this;
    }

    public TarWriter hardlink(String name, String target) throws IOException {
        entry(name, '1', 0644, 0, 0, 0, target, 0, 0, Map.of());
        return this;
    }

    public TarWriter charDevice(String name, int major, int minor) throws IOException {
        entry(name, '3', 0666, 0, 0, 0, "", major, minor, Map.of());
        return this;
    }

    public TarWriter fifo(String name) throws IOException {
        entry(name, '6', 0644, 0, 0, 0, "", 0, 0, Map.of());
        return this;
    }

    /** Overlay-style deletion of {@code dir/name} in a layer. */
    public TarWriter whiteout(String dir, String name) throws IOException {
        return file((dir.isEmpty() ? "" : dir + "/") + ".wh." + name, new byte[0], 0644, 0, 0);
    }

    /** Marks {@code dir} opaque: lower layers' content of it is hidden. */
    public TarWriter opaque(String dir) throws IOException {
        return file(dir + "/.wh..wh..opq", new byte[0], 0644, 0, 0);
    }

    public void finish() throws IOException {
        out.write(new byte[BLOCK * 2]);
        out.flush();
    }

    private void entry(String name, char type, int mode, int uid, int gid, long size, String link, int major,
                       int minor, Map<String, byte[]> xattrs) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        byte[] linkBytes = link.getBytes(StandardCharsets.UTF_8);
        Map<String, byte[]> pax = new LinkedHashMap<>();
        if (nameBytes.length > 100) {
            pax.put("path", nameBytes);
        }
        if (linkBytes.length > 100) {
            pax.put("linkpath", linkBytes);
        }
        xattrs.forEach((k, v) -> pax.put("SCHILY.xattr." + k, v));
        if (!pax.isEmpty()) {
            byte[] body = paxBody(pax);
            writeHeader("PaxHeaders/" + Math.abs(name.hashCode()), 'x', 0644, 0, 0, body.length, "", 0, 0);
            out.write(body);
            pad(body.length);
        }
        writeHeader(name, type, mode, uid, gid, size, link, major, minor);
    }

    private static byte[] paxBody(Map<String, byte[]> records) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> e : records.entrySet()) {
            byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
            int base = 1 + key.length + 1 + e.getValue().length + 1; // ' ' key '=' value '\n'
            int len = base + String.valueOf(base).length();
            if (String.valueOf(len).length() != String.valueOf(base).length()) {
                len = base + String.valueOf(len).length();
            }
            bos.write((len + " ").getBytes(StandardCharsets.US_ASCII));
            bos.write(key);
            bos.write('=');
            bos.write(e.getValue());
            bos.write('\n');
        }
        return bos.toByteArray();
    }

    private void writeHeader(String name, char type, int mode, int uid, int gid, long size, String link, int major,
                             int minor) throws IOException {
        byte[] h = new byte[BLOCK];
        put(h, 0, 100, truncate(name, 100));
        octal(h, 100, 8, mode);
        octal(h, 108, 8, uid);
        octal(h, 116, 8, gid);
        octal(h, 124, 12, size);
        octal(h, 136, 12, mtime);
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        h[156] = (byte) type;
        put(h, 157, 100, truncate(link, 100));
        put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
        put(h, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
        octal(h, 329, 8, major);
        octal(h, 337, 8, minor);
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        byte[] chk = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(chk, 0, h, 148, 8);
        out.write(h);
    }

    private static byte[] truncate(String s, int max) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return b.length <= max ? b : java.util.Arrays.copyOf(b, max);
    }

    private static void put(byte[] h, int off, int len, byte[] v) {
        System.arraycopy(v, 0, h, off, Math.min(len, v.length));
    }

    private static void octal(byte[] h, int off, int len, long v) {
        String s = String.format("%0" + (len - 1) + "o", v);
        put(h, off, len - 1, s.getBytes(StandardCharsets.US_ASCII));
    }

    private void pad(long size) throws IOException {
        long p = (BLOCK - size % BLOCK) % BLOCK;
        out.write(new byte[(int) p]);
    }
}
