package io.jcri.image.testkit;

import com.github.luben.zstd.ZstdOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

/** How a test layer's tar is compressed for the registry. */
public enum LayerCompression {
    NONE, GZIP, ZSTD;

    public byte[] compress(byte[] tar) {
        if (this == NONE) {
            return tar;
        }
        ByteArrayOutputStream bos = new ByteArrayOutputStream(tar.length / 2 + 64);
        try (OutputStream out = this == GZIP ? new GZIPOutputStream(bos, 64 * 1024) : new ZstdOutputStream(bos)) {
            out.write(tar);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }
}
