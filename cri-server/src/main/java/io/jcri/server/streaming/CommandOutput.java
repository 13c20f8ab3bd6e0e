package io.jcri.server.streaming;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;

/** Where a remote-command session's output goes, over SPDY streams or WebSocket channels. */
interface CommandOutput {
    int STDOUT = 1;
    int STDERR = 2;

    /** Sends on stdout or stderr (takes ownership of {@code data}); a channel the client did not ask for drops it. */
    ChannelFuture write(int stream, ByteBuf data);

    /** No more output on that stream. */
    void finish(int stream);

    /** Reports how the session ended on the error stream, then closes the connection. */
    void end(ExitStatus status);

    Channel channel();
}
