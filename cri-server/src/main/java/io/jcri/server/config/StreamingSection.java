package io.jcri.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;

/**
 * The {@code [streaming]} section: the HTTP server behind the URLs that Exec, Attach and PortForward return
 * (kubelet proxies {@code kubectl exec/attach/port-forward} to it; {@code crictl exec -it} connects directly).
 */
public final class StreamingSection {
    @Setting("host:port the streaming server listens on; port 0 picks a free port (like containerd's"
            + " stream_server_address). The URLs returned by Exec/Attach/PortForward name the actual port.")
    @JsonProperty("address")
    private String address = "127.0.0.1:0";

    @Setting("PEM certificate chain for serving the streaming URLs over TLS (https); empty for plain http."
            + " Requires tls_key_file.")
    @JsonProperty("tls_cert_file")
    private String tlsCertFile = "";

    @Setting("PEM private key (PKCS#8) of tls_cert_file.")
    @JsonProperty("tls_key_file")
    private String tlsKeyFile = "";

    @Setting("Seconds a streaming URL stays valid; each URL can be used once.")
    @JsonProperty("token_ttl_seconds")
    private int tokenTtlSeconds = 60;

    @Setting("Seconds a SPDY client gets, after the upgrade, to open the streams its request asked for.")
    @JsonProperty("stream_creation_timeout_seconds")
    private int streamCreationTimeoutSeconds = 30;

    public String host() {
        return ListenAddress.host(address);
    }

    public int port() {
        return ListenAddress.port(address);
    }

    /** The certificate, or null when serving plain http. */
    public Path tlsCertFile() {
        return tlsCertFile.isEmpty() ? null : Path.of(tlsCertFile);
    }

    public Path tlsKeyFile() {
        return tlsKeyFile.isEmpty() ? null : Path.of(tlsKeyFile);
    }

    public int tokenTtlSeconds() {
        return tokenTtlSeconds;
    }

    public int streamCreationTimeoutSeconds() {
        return streamCreationTimeoutSeconds;
    }

    void validate() {
        ListenAddress.validate("streaming", address);
        if (tlsCertFile.isEmpty() != tlsKeyFile.isEmpty()) {
            throw new ConfigException("[streaming] tls_cert_file and tls_key_file must be set together");
        }
        if (tokenTtlSeconds < 1) {
            throw new ConfigException("[streaming] token_ttl_seconds must be >= 1, got " + tokenTtlSeconds);
        }
        if (streamCreationTimeoutSeconds < 1) {
            throw new ConfigException("[streaming] stream_creation_timeout_seconds must be >= 1, got "
                    + streamCreationTimeoutSeconds);
        }
    }
}
