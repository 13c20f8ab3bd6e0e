package io.jcri.e2e.streaming;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads the server's byte stream as spdystream's framer (github.com/moby/spdystream/spdy, read.go) does, ahead of
 * Netty's more lenient codec, and fails the connection on the first frame spdystream would refuse: a control frame
 * of another version or an unknown type; a SYN_REPLY or HEADERS without a header block, or whose block does not
 * inflate, in the connection's one zlib stream primed with the SPDY/3 dictionary, to exactly its count of pairs
 * using up exactly the frame's bytes; RST_STREAM with status 0 or stream 0; PING with flags or id 0; GOAWAY and
 * WINDOW_UPDATE with flags or a length other than 8; DATA on stream 0. So our Netty client can never accept a
 * framing the real clients reject.
 */
final class SpdystreamFrameCheck extends ChannelInboundHandlerAdapter {
    private static final byte[] DICTIONARY = spdyDictionary();

    private final ByteBuf pending = Unpooled.buffer();
    private final Inflater inflater = new Inflater();
    private final SpdyTestClient client;
    private boolean failed;

    SpdystreamFrameCheck(SpdyTestClient client) {
        this.client = client;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!failed && msg instanceof ByteBuf b) {
            pending.writeBytes(b, b.readerIndex(), b.readableBytes());
            String problem = parse();
            if (problem != null) {
                failed = true;
                b.release();
                client.protocolError(new IllegalStateException("spdystream would reject this frame: " + problem));
                ctx.close();
                return;
            }
            pending.discardReadBytes();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        pending.release();
        inflater.end();
    }

    /** Checks every complete frame in {@code pending}; returns what is wrong, or null. */
    private String parse() {
        while (pending.readableBytes() >= 8) {
            int start = pending.readerIndex();
            int first = pending.getInt(start);
            int flagsAndLength = pending.getInt(start + 4);
            int flags = flagsAndLength >>> 24;
            int length = flagsAndLength & 0xFFFFFF;
            if (pending.readableBytes() < 8 + length) {
                return null;
            }
            ByteBuf payload = pending.slice(start + 8, length);
            pending.readerIndex(start + 8 + length);
            String problem = first < 0 ? control((first >>> 16) & 0x7FFF, first & 0xFFFF, flags, payload)
                    : (first & 0x7FFFFFFF) == 0 ? "DATA frame on stream 0" : null;
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private String control(int version, int type, int flags, ByteBuf p) {
        if (version != 3) {
            return "control frame of SPDY version " + version;
        }
        int length = p.readableBytes();
        return switch (type) {
            case 2, 8 -> { // SYN_REPLY, HEADERS: stream id, then the compressed name/value block
                if (length < 4 || (p.getInt(0) & 0x7FFFFFFF) == 0) {
                    yield "SYN_REPLY/HEADERS without a stream id";
                }
                yield headerBlock(type == 2 ? "SYN_REPLY" : "HEADERS", p.slice(4, length - 4));
            }
            case 3 -> length != 8 ? "RST_STREAM of length " + length
                    : p.getInt(0) == 0 ? "RST_STREAM on stream 0"
                    : p.getInt(4) == 0 ? "RST_STREAM with status 0" : null;
            case 6 -> length != 4 ? "PING of length " + length : flags != 0 ? "PING with flags " + flags
                    : p.getInt(0) == 0 ? "PING with id 0" : null;
            case 7 -> length != 8 || flags != 0 ? "GOAWAY of length " + length + ", flags " + flags : null;
            case 9 -> length != 8 || flags != 0 ? "WINDOW_UPDATE of length " + length + ", flags " + flags : null;
            case 1 -> "SYN_STREAM from the server"; // these protocols' streams are the client's
            case 4 -> null; // SETTINGS: parsed and ignored
            default -> "control frame of unknown type " + type;
        };
    }

    /** Inflates one block as spdystream's LimitedReader-bounded zlib reader does, and parses its pairs. */
    private String headerBlock(String frame, ByteBuf compressed) {
        if (!compressed.isReadable()) {
            return frame + " with an empty header block (spdystream needs a compressed block, even for 0 pairs)";
        }
        byte[] in = new byte[compressed.readableBytes()];
        compressed.getBytes(0, in);
        inflater.setInput(in);
        ByteBuf raw = Unpooled.buffer();
        try {
            byte[] out = new byte[4096];
            while (true) {
                int n = inflater.inflate(out);
                if (n == 0 && inflater.needsDictionary()) {
                    inflater.setDictionary(DICTIONARY);
                    continue;
                }
                raw.writeBytes(out, 0, n);
                if (n == 0) {
                    break;
                }
            }
            if (inflater.getRemaining() != 0) {
                return frame + ": " + inflater.getRemaining() + " bytes of the header block were not used";
            }
            if (raw.readableBytes() < 4) {
                return frame + ": the header block holds no pair count";
            }
            int pairs = raw.readInt();
            for (int i = 0; i < pairs; i++) {
                String name = string(raw);
                String value = string(raw);
                if (name == null || value == null) {
                    return frame + ": header block shorter than its " + pairs + " pairs";
                }
                if (!name.equals(name.toLowerCase(java.util.Locale.ROOT))) {
                    return frame + ": header name '" + name + "' not lower-case";
                }
                if (frame.equals("SYN_REPLY") && java.util.Set.of("connection", "keep-alive", "proxy-connection",
                        "transfer-encoding").contains(name)) {
                    return frame + ": header '" + name + "' is not allowed in a reply";
                }
            }
            return raw.isReadable() ? frame + ": " + raw.readableBytes() + " bytes after the last pair" : null;
        } catch (DataFormatException e) {
            return frame + ": the header block does not inflate: " + e.getMessage();
        } finally {
            raw.release();
        }
    }

    private static String string(ByteBuf b) {
        if (b.readableBytes() < 4) {
            return null;
        }
        int n = b.readInt();
        if (n < 0 || b.readableBytes() < n) {
            return null;
        }
        return b.readCharSequence(n, StandardCharsets.UTF_8).toString();
    }

    /** The SPDY/3 dictionary as spdystream itself has it (spdy/dictionary.go of the Debian source). */
    private static byte[] spdyDictionary() {
        java.nio.file.Path go = GoSpdyClient.GOCODE.resolve("src/github.com/moby/spdystream/spdy/dictionary.go");
        try {
            String src = java.nio.file.Files.readString(go);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("0x([0-9a-fA-F]{2})")
                    .matcher(src.substring(src.indexOf("headerDictionary")));
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            while (m.find()) {
                b.write(Integer.parseInt(m.group(1), 16));
            }
            return b.toByteArray();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(go + " (golang-github-docker-spdystream-dev)", e);
        }
    }
}
