package io.jcri.image.reference;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A normalised image reference: {@code domain/path[:tag][@digest]}, following the grammar of the
 * distribution project's reference package. Parsing fills in the defaults the ecosystem expects:
 * {@code busybox} is {@code docker.io/library/busybox:latest}.
 */
public final class ImageReference {
    public static final String DOCKER_HUB = "docker.io";
    private static final String LEGACY_DOCKER_HUB = "index.docker.io";
    private static final int NAME_MAX = 255;

    private static final String ALPHANUM = "[a-z0-9]+";
    private static final String SEPARATOR = "(?:[._]|__|[-]+)";
    private static final Pattern PATH_COMPONENT = Pattern.compile(ALPHANUM + "(?:" + SEPARATOR + ALPHANUM + ")*");
    private static final Pattern DOMAIN = Pattern.compile(
            "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*"
                    + "(?::[0-9]+)?|\\[[0-9a-fA-F:.]+\\](?::[0-9]+)?");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");

    private final String domain;
    private final String path;
    private final String tag;
    private final Digest digest;

    private ImageReference(String domain, String path, String tag, Digest digest) {
        this.domain = domain;
        this.path = path;
        this.tag = tag;
        this.digest = digest;
    }

    /** Parses and normalises; a reference with neither tag nor digest gets the tag {@code latest}. */
    public static ImageReference parse(String reference) {
        if (reference == null || reference.isEmpty()) {
            throw new InvalidReferenceException(String.valueOf(reference), "empty");
        }
        String rest = reference;
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            try {
                digest = Digest.parse(rest.substring(at + 1));
            } catch (IllegalArgumentException e) {
                throw new InvalidReferenceException(reference, e.getMessage());
            }
            rest = rest.substring(0, at);
        }
        String tag = null;
        int lastColon = rest.lastIndexOf(':');
        if (lastColon > rest.lastIndexOf('/')) {
            tag = rest.substring(lastColon + 1);
            rest = rest.substring(0, lastColon);
            if (!TAG.matcher(tag).matches()) {
                throw new InvalidReferenceException(reference, "invalid tag \"" + tag + "\"");
            }
        }
        if (rest.isEmpty()) {
            throw new InvalidReferenceException(reference, "missing repository name");
        }
        String domain;
        String path;
        int slash = rest.indexOf('/');
        String first = slash < 0 ? "" : rest.substring(0, slash);
        if (slash < 0 || (!first.contains(".") && !first.contains(":") && !first.equals("localhost")
                && first.toLowerCase().equals(first))) {
            domain = DOCKER_HUB;
            path = rest;
        } else {
            domain = first;
            path = rest.substring(slash + 1);
        }
        if (!DOMAIN.matcher(domain).matches()) {
            throw new InvalidReferenceException(reference, "invalid registry host \"" + domain + "\"");
        }
        if (domain.equals(LEGACY_DOCKER_HUB)) {
            domain = DOCKER_HUB;
        }
        if (domain.equals(DOCKER_HUB) && !path.contains("/")) {
            path = "library/" + path;
        }
        for (String component : path.split("/", -1)) {
            if (!PATH_COMPONENT.matcher(component).matches()) {
                String why = component.toLowerCase().equals(component)
                        ? "invalid repository path component \"" + component + "\""
                        : "repository name must be lowercase";
                throw new InvalidReferenceException(reference, why);
            }
        }
        if (domain.length() + 1 + path.length() > NAME_MAX) {
            throw new InvalidReferenceException(reference, "repository name longer than " + NAME_MAX + " characters");
        }
        if (tag == null && digest == null) {
            tag = "latest";
        }
        return new ImageReference(domain, path, tag, digest);
    }

    /** Whether {@code s} parses as a reference, without throwing. */
    public static boolean isValid(String s) {
        try {
            parse(s);
            return true;
        } catch (InvalidReferenceException e) {
            return false;
        }
    }

    /** The registry host as written in the reference, e.g. {@code docker.io} or {@code localhost:5000}. */
    public String domain() {
        return domain;
    }

    /** The repository path inside the registry, e.g. {@code library/busybox}. */
    public String path() {
        return path;
    }

    /** {@code domain/path}, e.g. {@code docker.io/library/busybox}. */
    public String repository() {
        return domain + "/" + path;
    }

    public Optional<String> tag() {
        return Optional.ofNullable(tag);
    }

    public Optional<Digest> digest() {
        return Optional.ofNullable(digest);
    }

    /** What to ask the registry's manifest endpoint for: the digest if there is one, else the tag. */
    public String manifestReference() {
        return digest != null ? digest.toString() : tag;
    }

    /** {@code repository:tag}, the form used in an image's repo tags; empty when there is no tag. */
    public Optional<String> taggedName() {
        return tag == null ? Optional.empty() : Optional.of(repository() + ":" + tag);
    }

    /** {@code repository@digest}, the form used in an image's repo digests. */
    public String digestedName(Digest d) {
        return repository() + "@" + d;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(repository());
        if (tag != null) {
            sb.append(':').append(tag);
        }
        if (digest != null) {
            sb.append('@').append(digest);
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageReference r && r.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return Objects.hash(toString());
    }
}
