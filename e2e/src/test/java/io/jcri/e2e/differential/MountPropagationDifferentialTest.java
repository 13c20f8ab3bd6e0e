package io.jcri.e2e.differential;

import io.jcri.cri.v1.ContainerConfig;
import io.jcri.cri.v1.Mount;
import io.jcri.cri.v1.MountPropagation;
import io.jcri.cri.v1.PodSandboxConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 12 item 7: a host_path mount's propagation as /proc/self/mountinfo shows it inside, and which mounts
 * cross between host and container. The host's / is private here, so each source is made a shared bind mount of
 * itself, as kubelet's directories are; everything mounted is unmounted on every path.
 */
@ExtendWith(RuntimePairExtension.class)
class MountPropagationDifferentialTest {
    /**
     * The propagation of the mount at {@code point}, from a mountinfo line's optional fields with the peer group
     * numbers dropped (they are per-machine counters): {@code shared}, {@code master}, both, or {@code private};
     * plus whether it is read-write.
     */
    static String propagation(String mountinfo, String point) {
        String found = "no mount at " + point;
        for (String line : mountinfo.split("\n")) {
            String[] f = line.split(" ");
            if (f.length > 6 && f[4].equals(point)) {
                List<String> optional = new ArrayList<>();
                for (int i = 6; i < f.length && !f[i].equals("-"); i++) {
                    optional.add(f[i].replaceAll(":\\d+$", ""));
                }
                found = (optional.isEmpty() ? "private" : String.join(",", optional)) + " "
                        + f[5].split(",")[0];
            }
        }
        return found;
    }

    @ParameterizedTest
    @EnumSource(value = MountPropagation.class, names = {"PROPAGATION_PRIVATE", "PROPAGATION_HOST_TO_CONTAINER",
            "PROPAGATION_BIDIRECTIONAL"})
    void hostPathPropagation(MountPropagation mode, RuntimePair pair) {
        boolean bidirectional = mode == MountPropagation.PROPAGATION_BIDIRECTIONAL;
        PodSandboxConfig.Builder pod = pair.pod("prop");
        pod.getLinuxBuilder().getSecurityContextBuilder().setPrivileged(bidirectional);
        Answers<String> a = pair.both(rt -> {
            Path src = Files.createDirectories(pair.work().resolve(pair.unique("prop-" + rt.name())));
            try {
                Host.run("mount", "--bind", src.toString(), src.toString());
                Host.run("mount", "--make-rshared", src.toString());
                ContainerConfig.Builder c = pair.container("c", "sleep", "3600")
                        .addMounts(Mount.newBuilder().setHostPath(src.toString()).setContainerPath("/mnt/prop")
                                .setPropagation(mode));
                c.getLinuxBuilder().getSecurityContextBuilder().setPrivileged(bidirectional);
                Side.Ctr ctr = rt.run(rt.runPod(pod), c);
                String before = propagation(rt.sh(ctr, "cat /proc/self/mountinfo"), "/mnt/prop");
                Files.createDirectories(src.resolve("after"));
                Host.run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", src.resolve("after").toString());
                String seen = rt.sh(ctr, "grep -c ' /mnt/prop/after ' /proc/self/mountinfo || true").trim();
                String result = "mount " + before + "; host mount made after start visible inside: "
                        + (seen.equals("0") ? "no" : "yes");
                if (bidirectional) {
                    rt.sh(ctr, "mkdir -p /mnt/prop/inside && mount -t tmpfs -o size=1m tmpfs /mnt/prop/inside");
                    result += "; mount made inside visible on the host: "
                            + (Host.mountsUnder(src.resolve("inside")).isEmpty() ? "no" : "yes");
                }
                return result;
            } finally {
                Host.unmountAll(src);
            }
        });
        a.assertSame("host_path mount with " + mode);
    }
}
