package io.jcri.image.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A scriptable HTTP server on loopback for registry behaviour that docker-registry cannot be made to show:
 * token auth, transient errors, redirects to another host, stalls, schema1 manifests. Handlers are looked up
 * by exact path; every request is recorded.
 */
public final class FakeRegistry implements AutoCloseable {
    @FunctionalInterface
    public interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    public record Request(String method, String path, String authorization) {
    }

    private final HttpServer server;
    private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    public FakeRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-registry");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requests.add(new Request(exchange.getRequestMethod(), path,
                    exchange.getRequestHeaders().getFirst("Authorization")));
            Handler h = handlers.get(path);
            try {
                if (h == null) {
                    respond(exchange, 404, "application/json",
                            "{\"errors\":[{\"code\":\"NOT_FOUND\",\"message\":\"no handler\"}]}");
                } else {
                    h.handle(exchange);
                }
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    public FakeRegistry on(String path, Handler handler) {
        handlers.put(path, handler);
        return this;
    }

    public String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    public String url() {
        return "http://" + host();
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public long count(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).count();
    }

    public static void respond(HttpExchange e, int status, String contentType, String body) throws IOException {
        respond(e, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    public static void respond(HttpExchange e, int status, String contentType, byte[] body) throws IOException {
        if (contentType != null) {
            e.getResponseHeaders().set("Content-Type", contentType);
        }
        e.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = e.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
