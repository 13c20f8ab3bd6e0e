package io.jcri.runtime.security;

import java.util.List;

/** One entry of a profile's {@code syscalls}: the action applies when every condition in {@code args} holds. */
public record SeccompRule(List<String> names, SeccompAction action, List<SeccompArg> args) {
    public SeccompRule {
        names = List.copyOf(names);
        args = List.copyOf(args);
    }

    public static SeccompRule allow(String... names) {
        return new SeccompRule(List.of(names), SeccompAction.ALLOW, List.of());
    }
}
