package io.jcri.server.streaming;

import io.netty.buffer.ByteBuf;

/** An exec or attach session, fed by the transport (calls come on the event loop and must not block). */
interface CommandSession {
    /** Starts the process or attaches (called once, off the event loop), sending output to {@code out}. */
    void start(CommandOutput out);

    /** Client stdin (ownership passes). */
    void stdin(ByteBuf data);

    /** The client closed its stdin. */
    void stdinEnd();

    void resize(int columns, int rows);

    /** The client went away: clean up (an exec'd process is killed; an attached container keeps running). */
    void clientGone();
}
