package io.jcri.server.streaming;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes a client's stdin into a process on its own thread (a pipe write may block; the event loop must not).
 * When more than {@link #HIGH_WATER} bytes wait, the connection stops reading from the client until the
 * process caught up: the client is slowed down, the daemon's memory is not.
 */
final class StdinWriter {
    private static final Logger LOG = Logger.getLogger(StdinWriter.class.getName());
    static final long HIGH_WATER = 1 << 20;
    private static final byte[] END = new byte[0];
    private static final byte[] CANCEL = new byte[0];

    private final BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    private final AtomicLong pending = new AtomicLong();
    private final Channel channel;

    /**
     * @param target     where the bytes go; null discards them
     * @param closeAtEnd close {@code target} when the client's stdin ends (else leave it open, for attach)
     */
    StdinWriter(OutputStream target, boolean closeAtEnd, Channel channel, Executor executor) {
        this.channel = channel;
        executor.execute(() -> run(target, closeAtEnd));
    }

    void offer(ByteBuf data) {
        try {
            byte[] b = new byte[data.readableBytes()];
            data.readBytes(b);
            if (b.length == 0) {
                return;
            }
            if (pending.addAndGet(b.length) > HIGH_WATER) {
                channel.config().setAutoRead(false);
            }
            queue.add(b);
        } finally {
            data.release();
        }
    }

    void end() {
        queue.add(END);
    }

    /** Stops without closing the target. */
    void cancel() {
        queue.add(CANCEL);
    }

    private void run(OutputStream target, boolean closeAtEnd) {
        boolean broken = target == null;
        try {
            while (true) {
                byte[] b = queue.take();
                if (b == CANCEL) {
                    return;
                }
                if (b == END) {
                    if (closeAtEnd && target != null) {
                        closeQuietly(target);
                    }
                    return;
                }
                if (!broken) {
                    try {
                        target.write(b);
                        target.flush();
                    } catch (IOException e) {
                        LOG.log(Level.FINE, "stdin of a streaming session closed: " + e.getMessage());
                        broken = true;
                    }
                }
                if (pending.addAndGet(-b.length) < HIGH_WATER / 4 && !channel.config().isAutoRead()) {
                    channel.config().setAutoRead(true);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(OutputStream out) {
        try {
            out.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
