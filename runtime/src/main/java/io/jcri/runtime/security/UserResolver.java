package io.jcri.runtime.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Turns a CRI/OCI user specification into numeric credentials using the image's /etc/passwd and /etc/group
 * (read through {@link RootfsPath}, never following links out of the rootfs).
 *
 * <p>{@code user} may be "", "name", "uid", "name:group", "uid:gid", "name:gid" or "uid:group"; an explicit
 * {@code uid} or {@code gid} (CRI run_as_user / run_as_group) wins over the corresponding part. A numeric uid
 * without a passwd entry runs with gid 0 and home "/", as runc does. Additional gids are the primary gid, the groups of
 * /etc/group listing the user by name, plus {@code supplementalGroups}.
 */
public final class UserResolver {
    private record PasswdEntry(String name, long uid, long gid, String home) {
    }

    private record GroupEntry(String name, long gid, List<String> members) {
    }

    public ResolvedUser resolve(Path rootfs, String user, Long uid, Long gid, List<Long> supplementalGroups) {
        return resolve(List.of(rootfs), user, uid, gid, supplementalGroups);
    }

    /**
     * With the image's layer snapshots (top first) instead of a mounted rootfs: each of /etc/passwd and
     * /etc/group is read from the topmost layer that has it, as the overlay would show it (a whiteout there, a
     * char device 0:0, reads as no file).
     */
    public ResolvedUser resolve(List<Path> layers, String user, Long uid, Long gid, List<Long> supplementalGroups) {
        String rootfs = layers.size() == 1 ? layers.get(0).toString() : "layers " + layers;
        String userPart = "";
        String groupPart = "";
        if (user != null && !user.isEmpty()) {
            int colon = user.indexOf(':');
            userPart = colon < 0 ? user : user.substring(0, colon);
            groupPart = colon < 0 ? "" : user.substring(colon + 1);
        }
        List<PasswdEntry> passwd = readPasswd(layers);

        Optional<PasswdEntry> entry;
        long resolvedUid;
        if (uid != null) {
            resolvedUid = uid;
            entry = passwd.stream().filter(p -> p.uid() == uid).findFirst();
        } else if (userPart.isEmpty()) {
            resolvedUid = 0;
            entry = passwd.stream().filter(p -> p.uid() == 0).findFirst();
        } else if (isNumber(userPart)) {
            resolvedUid = Long.parseLong(userPart);
            entry = passwd.stream().filter(p -> p.uid() == resolvedUid).findFirst();
        } else {
            String name = userPart;
            entry = passwd.stream().filter(p -> p.name().equals(name)).findFirst();
            if (entry.isEmpty()) {
                throw new IllegalArgumentException("no user \"" + name + "\" in the image's /etc/passwd ("
                        + rootfs + ")");
            }
            resolvedUid = entry.get().uid();
        }

        List<GroupEntry> groups = null;
        long resolvedGid = entry.map(PasswdEntry::gid).orElse(0L);
        if (gid != null) {
            resolvedGid = gid;
        } else if (!groupPart.isEmpty()) {
            if (isNumber(groupPart)) {
                resolvedGid = Long.parseLong(groupPart);
            } else {
                groups = readGroup(layers);
                String name = groupPart;
                resolvedGid = groups.stream().filter(g -> g.name().equals(name)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("no group \"" + name
                                + "\" in the image's /etc/group (" + rootfs + ")"))
                        .gid();
            }
        }

        // the primary gid is one of the additional gids too, as containerd's WithAdditionalGIDs makes it
        // (`id` inside shows it under groups=, and a setgid-dropping program keeps it)
        TreeSet<Long> additional = new TreeSet<>();
        additional.add(resolvedGid);
        if (entry.isPresent()) {
            String name = entry.get().name();
            for (GroupEntry group : groups != null ? groups : readGroup(layers)) {
                if (group.members().contains(name)) {
                    additional.add(group.gid());
                }
            }
        }
        if (supplementalGroups != null) {
            additional.addAll(supplementalGroups);
        }
        String home = entry.map(PasswdEntry::home).filter(h -> !h.isEmpty()).orElse("/");
        return new ResolvedUser(resolvedUid, resolvedGid, home, new ArrayList<>(additional));
    }

    private static List<PasswdEntry> readPasswd(List<Path> layers) {
        List<PasswdEntry> entries = new ArrayList<>();
        for (String[] fields : read(layers, "/etc/passwd")) {
            if (fields.length >= 6 && isNumber(fields[2]) && isNumber(fields[3])) {
                entries.add(new PasswdEntry(fields[0], Long.parseLong(fields[2]), Long.parseLong(fields[3]),
                        fields[5]));
            }
        }
        return entries;
    }

    private static List<GroupEntry> readGroup(List<Path> layers) {
        List<GroupEntry> entries = new ArrayList<>();
        for (String[] fields : read(layers, "/etc/group")) {
            if (fields.length >= 3 && isNumber(fields[2])) {
                List<String> members = fields.length >= 4 && !fields[3].isEmpty()
                        ? List.of(fields[3].split(","))
                        : List.of();
                entries.add(new GroupEntry(fields[0], Long.parseLong(fields[2]),
                        members.stream().map(String::strip).toList()));
            }
        }
        return entries;
    }

    /** Colon-separated records of the topmost layer's copy of {@code path}; a missing file reads as empty. */
    private static List<String[]> read(List<Path> layers, String path) {
        List<String[]> records = new ArrayList<>();
        Path rootfs = layers.get(0);
        for (Path layer : layers) {
            if (Files.exists(layer.resolve(path.substring(1)), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                rootfs = layer;
                break;
            }
        }
        try {
            Path file = RootfsPath.resolve(rootfs, path);
            if (!Files.isRegularFile(file)) {
                return records;
            }
            for (String line : Files.readAllLines(file)) {
                String trimmed = line.strip();
                if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                    records.add(trimmed.split(":", -1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + " of " + rootfs, e);
        }
        return records;
    }

    private static boolean isNumber(String text) {
        if (text.isEmpty() || text.length() > 10) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (!Character.isDigit(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
