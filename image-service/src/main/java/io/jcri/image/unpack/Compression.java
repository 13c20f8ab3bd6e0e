package io.jcri.image.unpack;

import com.github.luben.zstd.ZstdInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/** Layer compression, recognised by magic bytes (media types lie: Docker's "tar.gzip" may be plain tar). */
public enum Compression {
    NONE, GZIP, ZSTD;

    private static final int BUFFER = 128 * 1024;

    public static InputStream decompress(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, BUFFER);
        in.mark(4);
        byte[] magic = in.readNBytes(4);
        in.reset();
        return switch (detect(magic)) {
            case GZIP -> new BufferedInputStream(new GZIPInputStream(in, BUFFER), BUFFER);
            case ZSTD -> new BufferedInputStream(new ZstdInputStream(in), BUFFER);
            case NONE -> in;
        };
    }

    static Compression detect(byte[] magic) {
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return GZIP;
        }
        if (magic.length >= 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5
                && (magic[2] & 0xff) == 0x2f && (magic[3] & 0xff) == 0xfd) {
            return ZSTD;
        }
        return NONE;
    }
}
