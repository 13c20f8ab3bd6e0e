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
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon);
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    public int port() {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    void validate() {
        int colon = address.lastIndexOf(':');
        if (colon <= 0) {
            throw new ConfigException("[metrics] address must be host:port, got \"" + address + "\"");
        }
        try {
            int port = port();
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new ConfigException("[metrics] address has no valid port: \"" + address + "\"");
        }
    }
}
