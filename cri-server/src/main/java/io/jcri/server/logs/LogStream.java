package io.jcri.server.logs;

/** Which stream of the container a log entry came from. */
public enum LogStream {
    STDOUT("stdout"), STDERR("stderr");

    private final String criName;

    LogStream(String criName) {
        this.criName = criName;
    }

    public String criName() {
        return criName;
    }
}
