package io.jcri.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The {@code [metrics]} section: the Prometheus endpoint. */
public final class MetricsSection {
    @Setting("Serve Prometheus metrics over HTTP at /metrics.")
    @JsonProperty("enabled")
    private boolean enabled = true;

    @Setting("host:port of the metrics endpoint; loopback by default, port 0 picks a free port.")
    @JsonProperty("address")
    private String address = "127.0.0.1:9101";

    /** From {@code --metrics-address}: an address, or "off". */
    void override(String value) {
        if (value.equals("off")) {
            enabled = false;
        } else {
            enabled = true;
            address = value;
        }
    }

    public boolean enabled() {
        return enabled;
    }

    public String address() {
        return address;
    }

    public String host() {
        return ListenAddress.host(address);
    }

    public int port() {
        return ListenAddress.port(address);
    }

    void validate() {
        ListenAddress.validate("metrics", address);
    }
}
