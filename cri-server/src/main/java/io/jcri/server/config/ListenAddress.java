package io.jcri.server.config;

/** A {@code host:port} setting of a section ({@code [metrics] address}, {@code [streaming] address}). */
final class ListenAddress {
    private ListenAddress() {
    }

    /** The host, without the brackets of an IPv6 literal. */
    static String host(String address) {
        String host = address.substring(0, address.lastIndexOf(':'));
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    static int port(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    /** Rejects an address without a host or with a port outside 0-65535 (0 picks a free port). */
    static void validate(String section, String address) {
        if (address.lastIndexOf(':') <= 0) {
            throw new ConfigException("[" + section + "] address must be host:port, got \"" + address + "\"");
        }
        int port;
        try {
            port = port(address);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException("[" + section + "] address has no valid port (0-65535): \"" + address + "\"");
        }
    }
}
