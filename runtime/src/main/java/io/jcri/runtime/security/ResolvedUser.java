package io.jcri.runtime.security;

import java.util.List;

/** The credentials a container process runs with. {@code additionalGids} are sorted and exclude nothing. */
public record ResolvedUser(long uid, long gid, String home, List<Long> additionalGids) {
    public ResolvedUser {
        additionalGids = List.copyOf(additionalGids);
    }
}
