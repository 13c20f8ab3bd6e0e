package io.jcri.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/** The cgroup driver as named in the config file and by kubelet's {@code cgroupDriver}. */
public enum CgroupDriverName {
    CGROUPFS, SYSTEMD;

    @JsonValue
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static CgroupDriverName parse(String value) {
        for (CgroupDriverName d : values()) {
            if (d.configName().equalsIgnoreCase(value)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown cgroup driver '" + value + "', expected one of "
                + Arrays.stream(values()).map(CgroupDriverName::configName).toList());
    }
}
