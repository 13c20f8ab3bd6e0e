package io.jcri.server.streaming;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyGoAwayFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The server side of a SPDY/3.1 connection as Kubernetes' httpstream uses it (moby/spdystream): the client
 * opens streams with SYN_STREAM and headers, each accepted with a SYN_REPLY; DATA flows both ways; a FIN
 * half-closes. Like spdystream, no flow-control windows are enforced in either direction (spdystream neither
 * sends nor honours WINDOW_UPDATE), so backpressure comes from the TCP connection (Netty writability).
 * Framing is Netty's {@code SpdyFrameCodec}; the header blocks we send are {@link SpdyHeaderFrameEncoder}'s,
 * because spdystream needs a compressed block in every SYN_REPLY, even an empty one, which Netty does not write.
 */
final class SpdySession extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = Logger.getLogger(SpdySession.class.getName());

    /** What the protocol on top (remote command, port forward) does with the client's streams. */
    interface Listener {
        /**
         * A new stream from the client: set its handler and return true to accept it (the SYN_REPLY follows at
         * once, before anything written from other threads), or false to refuse it with RST_STREAM and no reply,
         * as kubelet's streaming server refuses a stream whose headers it cannot use.
         */
        boolean streamOpened(SpdyStream stream);

        /** The connection is gone (client vanished, or we closed it). */
        void sessionClosed();
    }

    /** Receives one stream's inbound events, on the event loop; must not block. */
    interface StreamHandler {
        void data(ByteBuf data);

        /** The client half-closed the stream (FIN). */
        void remoteClosed();

        /** The stream was reset or the connection closed. */
        void reset();
    }

    private final Listener listener;
    private final Map<Integer, SpdyStream> streams = new HashMap<>();
    private Channel channel;
    private boolean closed;

    SpdySession(Listener listener) {
        this.listener = listener;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    Channel channel() {
        return channel;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof SpdySynStreamFrame syn) {
                SpdyStream s = new SpdyStream(this, syn.streamId(), syn.headers());
                streams.put(syn.streamId(), s);
                if (!listener.streamOpened(s)) {
                    streams.remove(syn.streamId());
                    s.reset();
                    return;
                }
                ctx.writeAndFlush(new DefaultSpdySynReplyFrame(syn.streamId()));
                if (syn.isLast()) {
                    s.onRemoteClosed();
                }
            } else if (msg instanceof SpdyDataFrame data) {
                SpdyStream s = streams.get(data.streamId());
                if (s != null) {
                    if (data.content().isReadable()) {
                        s.onData(data.content().retain());
                    }
                    if (data.isLast()) {
                        s.onRemoteClosed();
                    }
                }
            } else if (msg instanceof SpdyRstStreamFrame rst) {
                SpdyStream s = streams.remove(rst.streamId());
                if (s != null) {
                    s.onReset();
                }
            } else if (msg instanceof SpdyPingFrame ping) {
                if ((ping.id() & 1) == 1) { // client-initiated (odd): echo
                    ctx.writeAndFlush(new DefaultSpdyPingFrame(ping.id()));
                }
            }
            // SETTINGS, WINDOW_UPDATE, HEADERS, GOAWAY: nothing to do (the client closes the connection after)
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        List<SpdyStream> all = List.copyOf(streams.values());
        streams.clear();
        all.forEach(SpdyStream::onReset);
        listener.sessionClosed();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.FINE, "SPDY connection from " + ctx.channel().remoteAddress() + " failed", cause);
        ctx.close();
    }

    /** GOAWAY, then closes the connection once everything written so far is flushed. */
    void close() {
        channel.writeAndFlush(new DefaultSpdyGoAwayFrame(0)).addListener(ChannelFutureListener.CLOSE);
    }

    boolean isClosed() {
        return closed || !channel.isActive();
    }

    /** One client-opened stream. Writes may come from any thread. */
    static final class SpdyStream {
        private final SpdySession session;
        private final int id;
        private final io.netty.handler.codec.spdy.SpdyHeaders headers;
        private StreamHandler handler;
        private boolean finished;

        SpdyStream(SpdySession session, int id, io.netty.handler.codec.spdy.SpdyHeaders headers) {
            this.session = session;
            this.id = id;
            this.headers = headers;
        }

        int id() {
            return id;
        }

        String header(String name) {
            String v = headers.getAsString(name);
            return v == null ? "" : v;
        }

        void handler(StreamHandler h) {
            this.handler = h;
        }

        Channel channel() {
            return session.channel;
        }

        io.netty.channel.ChannelFuture write(ByteBuf data) {
            return session.channel.writeAndFlush(new DefaultSpdyDataFrame(id, data));
        }

        /** Queues without flushing; the caller flushes the channel (several frames per syscall). */
        io.netty.channel.ChannelFuture writeNoFlush(ByteBuf data) {
            return session.channel.write(new DefaultSpdyDataFrame(id, data));
        }

        /** Half-closes our side (FIN). */
        synchronized void finish() {
            if (!finished) {
                finished = true;
                session.channel.writeAndFlush(new DefaultSpdyDataFrame(id, Unpooled.EMPTY_BUFFER).setLast(true));
            }
        }

        void reset() {
            session.channel.writeAndFlush(new DefaultSpdyRstStreamFrame(id, SpdyStreamStatus.CANCEL));
        }

        private void onData(ByteBuf data) {
            if (handler == null) {
                data.release();
            } else {
                handler.data(data);
            }
        }

        private void onRemoteClosed() {
            if (handler != null) {
                handler.remoteClosed();
            }
        }

        private void onReset() {
            if (handler != null) {
                handler.reset();
            }
        }
    }
}
