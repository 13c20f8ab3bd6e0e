package io.jcri.runtime.security;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the OCI runtime-spec {@code linux.seccomp} object (also Docker's profile files, whose {@code archMap}
 * gives the architectures and whose {@code includes}/{@code excludes} are not supported here).
 */
final class SeccompProfileParser {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final System.Logger LOG = System.getLogger(SeccompProfileParser.class.getName());

    private SeccompProfileParser() {
    }

    static SeccompProfile parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("seccomp profile is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("seccomp profile must be a JSON object");
        }
        String listener = text(root, "listenerPath");
        if (listener != null && !listener.isEmpty()) {
            throw new IllegalArgumentException("seccomp listenerPath (user notification) is not supported");
        }
        String defaultName = text(root, "defaultAction");
        if (defaultName == null) {
            throw new IllegalArgumentException("seccomp profile has no defaultAction");
        }
        SeccompAction defaultAction = SeccompAction.fromOci(defaultName, integer(root, "defaultErrnoRet"));

        List<SeccompArch> arches = new ArrayList<>();
        for (JsonNode arch : root.path("architectures")) {
            addArch(arches, arch.asText());
        }
        for (JsonNode entry : root.path("archMap")) {
            if ("SCMP_ARCH_X86_64".equals(entry.path("architecture").asText())) {
                addArch(arches, "SCMP_ARCH_X86_64");
                for (JsonNode sub : entry.path("subArchitectures")) {
                    addArch(arches, sub.asText());
                }
            }
        }

        List<SeccompRule> rules = new ArrayList<>();
        int position = 0;
        for (JsonNode syscall : root.path("syscalls")) {
            rules.add(rule(syscall, position++));
        }
        int flags = 0;
        for (JsonNode flag : root.path("flags")) {
            flags |= flag(flag.asText());
        }
        return SeccompProfile.of(defaultAction, arches, rules, flags);
    }

    private static int flag(String name) {
        return switch (name) {
            case "SECCOMP_FILTER_FLAG_TSYNC" -> 0; // meaningless for a filter installed on a single-use thread
            case "SECCOMP_FILTER_FLAG_LOG" -> SeccompProfile.FLAG_LOG;
            case "SECCOMP_FILTER_FLAG_SPEC_ALLOW" -> SeccompProfile.FLAG_SPEC_ALLOW;
            case "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV" -> SeccompProfile.FLAG_WAIT_KILLABLE_RECV;
            default -> throw new IllegalArgumentException("unknown seccomp flag \"" + name + "\"");
        };
    }

    private static void addArch(List<SeccompArch> arches, String name) {
        var arch = SeccompArch.fromOci(name);
        if (arch.isEmpty()) {
            LOG.log(System.Logger.Level.DEBUG, "seccomp: architecture {0} is not of this machine, ignored", name);
        } else if (!arches.contains(arch.get())) {
            arches.add(arch.get());
        }
    }

    private static SeccompRule rule(JsonNode syscall, int position) {
        List<String> names = new ArrayList<>();
        for (JsonNode name : syscall.path("names")) {
            names.add(name.asText());
        }
        if (syscall.hasNonNull("name")) {
            names.add(syscall.get("name").asText());
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("seccomp syscalls[" + position + "] names no syscall");
        }
        if (syscall.has("includes") || syscall.has("excludes")) {
            LOG.log(System.Logger.Level.WARNING,
                    "seccomp syscalls[{0}]: includes/excludes are Docker extensions and are ignored", position);
        }
        String actionName = text(syscall, "action");
        if (actionName == null) {
            throw new IllegalArgumentException("seccomp syscalls[" + position + "] has no action");
        }
        SeccompAction action = SeccompAction.fromOci(actionName, integer(syscall, "errnoRet"));
        List<SeccompArg> args = new ArrayList<>();
        for (JsonNode arg : syscall.path("args")) {
            args.add(new SeccompArg(arg.path("index").asInt(), arg.path("value").asLong(),
                    arg.path("valueTwo").asLong(), SeccompOp.fromOci(text(arg, "op"))));
        }
        return new SeccompRule(names, action, args);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static Integer integer(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asInt();
    }
}
