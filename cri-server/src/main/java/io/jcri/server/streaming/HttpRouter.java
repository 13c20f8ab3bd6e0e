package io.jcri.server.streaming;

import io.jcri.cri.v1.PortForwardRequest;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP phase of a streaming connection: finds the request behind {@code /<kind>/<token>} (an unknown, used
 * or expired token is a 404 and nothing runs), negotiates the protocol and upgrades the connection to SPDY/3.1
 * ({@code X-Stream-Protocol-Version}) or WebSocket (subprotocol), then hands it to the session.
 */
final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = Logger.getLogger(HttpRouter.class.getName());
    private static final Pattern PATH = Pattern.compile("^/(exec|attach|portforward)/([A-Za-z0-9_-]+)/?(\\?.*)?$");
    static final String PROTOCOL_HEADER = "X-Stream-Protocol-Version";
    static final String ACCEPTED_HEADER = "X-Accepted-Stream-Protocol-Versions";
    static final String PORT_FORWARD_PROTOCOL = "portforward.k8s.io";

    private final Routes routes;

    HttpRouter(Routes routes) {
        this.routes = routes;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        Matcher m = PATH.matcher(req.uri());
        if (!m.matches()) {
            respond(ctx, HttpResponseStatus.NOT_FOUND, "404 page not found", List.of());
            return;
        }
        if (!req.method().equals(HttpMethod.GET) && !req.method().equals(HttpMethod.POST)) {
            respond(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed", List.of());
            return;
        }
        String kind = m.group(1);
        Optional<Object> request = routes.consume(kind, m.group(2));
        if (request.isEmpty()) {
            respond(ctx, HttpResponseStatus.NOT_FOUND, "404 page not found", List.of());
            return;
        }
        try {
            if (isWebSocket(req)) {
                webSocket(ctx, req, kind, request.get());
            } else if (isSpdy(req)) {
                spdy(ctx, req, kind, request.get());
            } else {
                respond(ctx, HttpResponseStatus.BAD_REQUEST, "unable to upgrade: missing upgrade headers in request",
                        List.of());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "streaming request " + kind + " failed", e);
            respond(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, e.getMessage() == null ? e.toString()
                    : e.getMessage(), List.of());
        }
    }

    private static boolean connectionUpgrade(FullHttpRequest req) {
        for (String v : req.headers().getAll(HttpHeaderNames.CONNECTION)) {
            if (v.toLowerCase().contains("upgrade")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isWebSocket(FullHttpRequest req) {
        return connectionUpgrade(req) && "websocket".equalsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE));
    }

    private static boolean isSpdy(FullHttpRequest req) {
        return connectionUpgrade(req) && "SPDY/3.1".equalsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE));
    }

    private void spdy(ChannelHandlerContext ctx, FullHttpRequest req, String kind, Object request) {
        List<String> offered = new ArrayList<>();
        for (String v : req.headers().getAll(PROTOCOL_HEADER)) {
            for (String p : v.split(",")) {
                if (!p.isBlank()) {
                    offered.add(p.trim());
                }
            }
        }
        List<String> supported = kind.equals("portforward") ? List.of(PORT_FORWARD_PROTOCOL)
                : RemoteCommandProtocol.SPDY_NAMES;
        String chosen = null;
        if (offered.isEmpty()) {
            chosen = supported.get(supported.size() - 1); // clients from before negotiation: the oldest version
        } else {
            for (String p : offered) {
                if (supported.contains(p)) {
                    chosen = p;
                    break;
                }
            }
        }
        if (chosen == null) {
            respond(ctx, HttpResponseStatus.FORBIDDEN, "unable to upgrade: unable to negotiate protocol: client"
                    + " supports " + offered + ", server accepts " + supported, supported);
            return;
        }
        SpdySession.Listener listener;
        SpdyRemoteCommand command = null;
        SpdyPortForward forward = null;
        if (kind.equals("portforward")) {
            forward = routes.portForward((PortForwardRequest) request);
            listener = forward;
        } else {
            command = new SpdyRemoteCommand(RemoteCommandProtocol.of(chosen), Routes.options(request),
                    routes.session(request), routes.executor);
            listener = command;
        }
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
        res.headers().set(HttpHeaderNames.CONNECTION, "Upgrade");
        res.headers().set(HttpHeaderNames.UPGRADE, "SPDY/3.1");
        res.headers().set(PROTOCOL_HEADER, chosen);
        ctx.writeAndFlush(res);
        SpdySession session = new SpdySession(listener);
        ctx.pipeline().addAfter("http", "spdy", new SpdyFrameCodec(SpdyVersion.SPDY_3_1, 64 * 1024, 16 * 1024, 6, 15, 8));
        ctx.pipeline().addAfter("spdy", "spdy-headers", new SpdyHeaderFrameEncoder());
        ctx.pipeline().addAfter("spdy-headers", "session", session);
        ctx.pipeline().remove(this);
        ctx.pipeline().remove("aggregator");
        ctx.pipeline().remove("http");
        if (command != null) {
            command.attach(session, routes.creationTimeoutSeconds);
        } else {
            forward.attach(session);
        }
    }

    private void webSocket(ChannelHandlerContext ctx, FullHttpRequest req, String kind, Object request) {
        if (kind.equals("portforward")) {
            respond(ctx, HttpResponseStatus.BAD_REQUEST, "port forwarding is served over SPDY/3.1"
                    + " (portforward.k8s.io), not WebSocket", List.of());
            return;
        }
        String scheme = ctx.pipeline().get("ssl") != null ? "wss" : "ws";
        WebSocketServerHandshakerFactory factory = new WebSocketServerHandshakerFactory(
                scheme + "://" + req.headers().get(HttpHeaderNames.HOST) + req.uri(),
                String.join(",", WebSocketRemoteCommand.SUBPROTOCOLS), false, 1 << 20);
        WebSocketServerHandshaker handshaker = factory.newHandshaker(req);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        String requested = req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        CommandSession session = routes.session(request);
        io.netty.channel.ChannelFuture done = handshaker.handshake(ctx.channel(), req);
        String chosen = handshaker.selectedSubprotocol();
        if (requested != null && !requested.isBlank() && chosen == null) {
            LOG.fine("WebSocket client offered only unsupported subprotocols: " + requested);
            ctx.close();
            return;
        }
        WebSocketRemoteCommand ws = new WebSocketRemoteCommand(chosen, Routes.options(request), session,
                routes.executor);
        ctx.pipeline().addLast("ws-aggregator",
                new io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator(1 << 20));
        ctx.pipeline().addLast("ws-session", ws);
        ctx.pipeline().remove(this);
        done.addListener(f -> {
            if (f.isSuccess()) {
                ws.start(ctx.channel());
            } else {
                ctx.channel().close();
            }
        });
    }

    private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String body,
                                List<String> accepted) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body + "\n", StandardCharsets.UTF_8));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
        for (String a : accepted) {
            res.headers().add(ACCEPTED_HEADER, a);
        }
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.FINE, "streaming connection from " + ctx.channel().remoteAddress() + " failed", cause);
        ctx.close();
    }
}
