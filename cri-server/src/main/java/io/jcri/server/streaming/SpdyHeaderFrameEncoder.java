package io.jcri.server.streaming;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.netty.handler.codec.UnsupportedMessageTypeException;
import io.netty.handler.codec.spdy.DefaultSpdyUnknownFrame;
import io.netty.handler.codec.spdy.SpdyHeadersFrame;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import java.util.List;

/**
 * Encodes the header-bearing frames we send (SYN_REPLY, HEADERS) with our own {@link HeaderBlockDeflater}, in
 * front of Netty's {@code SpdyFrameCodec}, which then only frames them (as raw control frames) and encodes the
 * rest (DATA, RST_STREAM, PING, GOAWAY). Netty's own header encoder writes no block at all for a frame without
 * headers, which is every SYN_REPLY of these protocols, and spdystream's framer cannot parse that: the client
 * never sees its streams replied to and gives up ("Timeout occurred"). All our header blocks go through this one
 * deflater, so the connection's compression context stays a single stream.
 */
final class SpdyHeaderFrameEncoder extends MessageToMessageEncoder<SpdyHeadersFrame> {
    private static final int TYPE_SYN_REPLY = 2;
    private static final int TYPE_HEADERS = 8;
    private static final byte FLAG_FIN = 0x01;

    private final HeaderBlockDeflater deflater = new HeaderBlockDeflater();

    @Override
    protected void encode(ChannelHandlerContext ctx, SpdyHeadersFrame frame, List<Object> out) {
        if (frame instanceof SpdySynStreamFrame) { // the streams of these protocols are the client's
            throw new UnsupportedMessageTypeException(frame, SpdySynReplyFrame.class, SpdyHeadersFrame.class);
        }
        ByteBuf block = deflater.compress(ctx.alloc(), frame.headers());
        try {
            ByteBuf payload = ctx.alloc().buffer(4 + block.readableBytes());
            payload.writeInt(frame.streamId() & 0x7FFFFFFF).writeBytes(block);
            out.add(new DefaultSpdyUnknownFrame(frame instanceof SpdySynReplyFrame ? TYPE_SYN_REPLY : TYPE_HEADERS,
                    frame.isLast() ? FLAG_FIN : 0, payload));
        } finally {
            block.release();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        deflater.close();
    }
}
