package io.jcri.server.streaming;

import java.util.List;

/** The remote-command protocol versions (X-Stream-Protocol-Version over SPDY; the WebSocket subprotocol). */
enum RemoteCommandProtocol {
    V5("v5.channel.k8s.io", true, true),
    V4("v4.channel.k8s.io", true, true),
    V3("v3.channel.k8s.io", true, false),
    V2("v2.channel.k8s.io", false, false),
    V1("channel.k8s.io", false, false);

    /** Server preference order for SPDY negotiation (the client's order decides, as in Kubernetes). */
    static final List<String> SPDY_NAMES = List.of(V5.id, V4.id, V3.id, V2.id, V1.id);

    private final String id;
    private final boolean resize;
    private final boolean json;

    RemoteCommandProtocol(String id, boolean resize, boolean json) {
        this.id = id;
        this.resize = resize;
        this.json = json;
    }

    String id() {
        return id;
    }

    /** v3 and later have a resize stream. */
    boolean resizeStream() {
        return resize;
    }

    /** v4 and later report a JSON status (with the exit code) on the error stream. */
    boolean jsonStatus() {
        return json;
    }

    static RemoteCommandProtocol of(String id) {
        for (RemoteCommandProtocol p : values()) {
            if (p.id.equals(id)) {
                return p;
            }
        }
        return V1;
    }
}
