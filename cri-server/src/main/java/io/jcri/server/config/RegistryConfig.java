package io.jcri.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/** One {@code [registries."<host>"]} table: how to reach the registry that image references name as host. */
public final class RegistryConfig {
    @Setting("Endpoints tried in order before the registry itself, e.g. [\"http://127.0.0.1:5000\"]; the scheme"
            + " says whether the mirror speaks plain HTTP.")
    @JsonProperty("mirrors")
    private List<String> mirrors = new ArrayList<>();

    @Setting("Talk plain HTTP (not HTTPS) to the registry host itself.")
    @JsonProperty("plain_http")
    private boolean plainHttp;

    @Setting("Accept any TLS certificate from this registry and its mirrors (only for test setups).")
    @JsonProperty("skip_verify")
    private boolean skipVerify;

    @Setting("Never contact the registry host itself, only its mirrors (clusters without internet).")
    @JsonProperty("no_fallback")
    private boolean noFallback;

    public List<String> mirrors() {
        return mirrors;
    }

    public boolean plainHttp() {
        return plainHttp;
    }

    public boolean skipVerify() {
        return skipVerify;
    }

    public boolean noFallback() {
        return noFallback;
    }
}
