package io.jcri.runtime.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Clamps a requested {@code oom_score_adj} to what this daemon may set for its children. Without
 * CAP_SYS_RESOURCE the kernel refuses values below the caller's own (EACCES), so a pod asking for, say, -997 gets
 * the daemon's own value instead of a failed container.
 */
public final class OomScoreAdj {
    public static final int MIN = -1000;
    public static final int MAX = 1000;
    private static final int CAP_SYS_RESOURCE = 24;

    private final int own;
    private final boolean mayLower;

    public OomScoreAdj(int own, boolean capSysResource) {
        this.own = own;
        this.mayLower = capSysResource;
    }

    /** Reads this process's /proc/self/oom_score_adj and CapEff. */
    public static OomScoreAdj ofThisProcess() {
        try {
            int own = Integer.parseInt(Files.readString(Path.of("/proc/self/oom_score_adj")).strip());
            long effective = 0;
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    effective = Long.parseUnsignedLong(line.substring("CapEff:".length()).strip(), 16);
                }
            }
            return new OomScoreAdj(own, (effective & (1L << CAP_SYS_RESOURCE)) != 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read this process's oom_score_adj or capabilities", e);
        }
    }

    public static int clampForThisProcess(int requested) {
        return ofThisProcess().clamp(requested);
    }

    public int clamp(int requested) {
        int value = Math.max(MIN, Math.min(MAX, requested));
        return mayLower ? value : Math.max(value, own);
    }

    public int lowest() {
        return mayLower ? MIN : own;
    }
}
