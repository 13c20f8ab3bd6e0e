package io.jcri.server.streaming;

import io.jcri.runtime.sys.Native;
import io.jcri.runtime.sys.Sc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Connects to a port on a pod's loopback, inside the pod's network namespace. A socket belongs to the network
 * namespace of the thread that created it, so a fresh platform thread joins the pod's namespace
 * ({@code setns(CLONE_NEWNET)} is per thread and allowed in a multi-threaded process), creates the socket and
 * ends; the connect and all I/O then happen from ordinary threads. Host-network pods connect on the host.
 */
final class PodDialer {
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private PodDialer() {
    }

    /** A connected, blocking-mode channel to {@code localhost:port} in the namespace at {@code netns} (null: host). */
    static SocketChannel connect(Path netns, int port) throws IOException {
        IOException first = null;
        for (StandardProtocolFamily family : new StandardProtocolFamily[] {StandardProtocolFamily.INET,
                StandardProtocolFamily.INET6}) {
            SocketChannel ch = open(netns, family);
            try {
                String loopback = family == StandardProtocolFamily.INET ? "127.0.0.1" : "::1";
                ch.socket().connect(new InetSocketAddress(loopback, port), CONNECT_TIMEOUT_MILLIS);
                return ch;
            } catch (IOException e) {
                ch.close();
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        throw first;
    }

    private static SocketChannel open(Path netns, StandardProtocolFamily family) throws IOException {
        if (netns == null) {
            return SocketChannel.open(family);
        }
        CompletableFuture<SocketChannel> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                int fd = Native.open(netns.toString(), Sc.O_RDONLY, 0);
                try {
                    Native.check(Native.C.setns(fd, Sc.CLONE_NEWNET), "setns(" + netns + ", CLONE_NEWNET)");
                } finally {
                    Native.closeQuietly(fd);
                }
                result.complete(SocketChannel.open(family));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
            // this thread now lives in the pod's namespace: it ends here and is never reused
        }, "jcri-netns-dial");
        t.setDaemon(true);
        t.start();
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while opening a socket in " + netns, e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof IOException io ? io : new IOException(c.getMessage(), c);
        }
    }
}
