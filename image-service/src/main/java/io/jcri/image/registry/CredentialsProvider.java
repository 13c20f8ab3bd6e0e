package io.jcri.image.registry;

/** Credentials for a registry endpoint, by its {@code host[:port]}. */
@FunctionalInterface
public interface CredentialsProvider {
    CredentialsProvider NONE = authority -> Credentials.NONE;

    Credentials forAuthority(String authority);

    /** This provider, and where it has nothing, {@code fallback}. */
    default CredentialsProvider orElse(CredentialsProvider fallback) {
        return authority -> {
            Credentials c = forAuthority(authority);
            return c.isEmpty() ? fallback.forAuthority(authority) : c;
        };
    }
}
