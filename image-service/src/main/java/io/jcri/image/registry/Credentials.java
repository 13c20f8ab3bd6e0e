package io.jcri.image.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Credentials for one registry, shaped like the CRI {@code AuthConfig}: a user name and password (or their
 * base64 {@code auth} form), an identity token to exchange for a registry token, or a registry token used
 * as bearer token directly. With a {@code serverAddress} they are only sent to that host; without one, to
 * every endpoint of the pull (the registry and its mirrors), as containerd does.
 */
public record Credentials(String username, String password, String identityToken, String registryToken,
                          String serverAddress) {
    public static final Credentials NONE = new Credentials("", "", "", "", "");

    public Credentials {
        username = username == null ? "" : username;
        password = password == null ? "" : password;
        identityToken = identityToken == null ? "" : identityToken;
        registryToken = registryToken == null ? "" : registryToken;
        serverAddress = serverAddress == null ? "" : serverAddress;
    }

    public Credentials(String username, String password, String identityToken, String registryToken) {
        this(username, password, identityToken, registryToken, "");
    }

    public static Credentials basic(String username, String password) {
        return new Credentials(username, password, "", "");
    }

    /** The CRI AuthConfig as it arrives: any field may be empty. */
    public static Credentials fromCri(String username, String password, String auth, String serverAddress,
                                      String identityToken, String registryToken) {
        Credentials c = fromAuthConfig(username, password, auth, identityToken, registryToken);
        return new Credentials(c.username, c.password, c.identityToken, c.registryToken, serverAddress);
    }

    /** Whether these credentials may be sent to the endpoint {@code authority} (host[:port]). */
    public boolean appliesTo(String authority) {
        return serverAddress.isEmpty() || DockerConfigCredentials.authorityOf(serverAddress)
                .equals(DockerConfigCredentials.authorityOf(authority));
    }

    /**
     * From CRI AuthConfig fields; {@code auth} is base64 {@code user:password} and wins when username is empty.
     */
    public static Credentials fromAuthConfig(String username, String password, String auth, String identityToken,
                                             String registryToken) {
        if ((username == null || username.isEmpty()) && auth != null && !auth.isEmpty()) {
            String decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("auth is not base64 of user:password");
            }
            username = decoded.substring(0, colon);
            password = decoded.substring(colon + 1);
        }
        return new Credentials(username, password, identityToken, registryToken);
    }

    /** A stable one-way digest of the secrets, to key caches by who is asking without keeping the secrets. */
    public String fingerprint() {
        if (isEmpty()) {
            return "anonymous";
        }
        java.security.MessageDigest md = io.jcri.image.reference.Digest.newSha256();
        for (String part : new String[]{username, password, identityToken, registryToken}) {
            md.update(part.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
        }
        return java.util.HexFormat.of().formatHex(md.digest(), 0, 16);
    }

    public boolean isEmpty() {
        return username.isEmpty() && identityToken.isEmpty() && registryToken.isEmpty();
    }

    public boolean hasBasic() {
        return !username.isEmpty();
    }

    public String basicHeader() {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return isEmpty() ? "Credentials[none]" : "Credentials[user=" + username + ", secrets redacted]";
    }
}
