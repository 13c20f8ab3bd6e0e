package io.jcri.server.streaming;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.spdy.SpdyHeaders;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.Deflater;

/**
 * Compresses the name/value header blocks one side of a SPDY/3 connection sends, as spdystream's framer does
 * and expects: one zlib stream for the whole connection, primed with the SPDY/3 dictionary, each block
 * sync-flushed so that the peer can inflate it on its own; and always a block, even with no pairs (the 4-byte
 * count 0, compressed): spdystream cannot read a SYN_REPLY whose block is missing, and a missing block would
 * also leave the two ends' zlib streams out of step.
 */
final class HeaderBlockDeflater implements AutoCloseable {
    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
    private byte[] chunk = new byte[256];

    HeaderBlockDeflater() {
        deflater.setDictionary(SpdyDictionary.BYTES);
    }

    /** The compressed block of {@code headers} (names lower-case, several values joined by NUL). */
    ByteBuf compress(ByteBufAllocator alloc, SpdyHeaders headers) {
        Map<String, List<String>> pairs = new TreeMap<>();
        for (CharSequence name : headers.names()) {
            pairs.put(name.toString().toLowerCase(java.util.Locale.ROOT), headers.getAllAsString(name));
        }
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        writeInt(raw, pairs.size());
        pairs.forEach((name, values) -> {
            writeString(raw, name);
            writeString(raw, String.join("\0", values));
        });
        deflater.setInput(raw.toByteArray());
        ByteBuf out = alloc.heapBuffer(raw.size() + 16);
        int n;
        do { // SYNC_FLUSH: a call that fills the chunk may have more to give
            n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
            out.writeBytes(chunk, 0, n);
        } while (n == chunk.length);
        return out;
    }

    private static void writeString(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        writeInt(out, b.length);
        out.writeBytes(b);
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    @Override
    public void close() {
        deflater.end();
    }
}
