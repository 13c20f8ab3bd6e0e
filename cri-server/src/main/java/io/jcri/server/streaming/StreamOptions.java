package io.jcri.server.streaming;

/** Which streams a remote-command request asked for (tty implies no separate stderr). */
record StreamOptions(boolean stdin, boolean stdout, boolean stderr, boolean tty) {
    StreamOptions {
        if (tty) {
            stderr = false;
        }
    }
}
