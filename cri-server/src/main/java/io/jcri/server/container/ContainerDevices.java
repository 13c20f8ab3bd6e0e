package io.jcri.server.container;

import io.grpc.Status;
import io.jcri.cri.v1.ContainerConfig;
import io.jcri.cri.v1.Device;
import io.jcri.runtime.DeviceSpec;
import io.jcri.runtime.HostDevices;
import io.jcri.server.grpc.CriException;
import io.jcri.server.grpc.Quoted;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;

/**
 * CRI {@code devices} to the device nodes the runtime creates, read from the host at CreateContainer as containerd
 * reads them. A privileged container also gets every device node of the host's /dev, as containerd's
 * {@code WithHostDevices} gives it (its device cgroup allows everything anyway).
 */
final class ContainerDevices {

    private ContainerDevices() {
    }

    static List<DeviceSpec> of(ContainerConfig config) {
        List<DeviceSpec> out = new ArrayList<>();
        if (config.getLinux().getSecurityContext().getPrivileged()) {
            try {
                out.addAll(HostDevices.resolve("/dev", "", "rwm"));
            } catch (IOException e) {
                throw new CriException(Status.Code.INTERNAL, "CreateContainer: cannot list the host's /dev for a "
                        + "privileged container: " + e.getMessage(), e);
            }
        }
        for (Device d : config.getDevicesList()) {
            out.addAll(resolve(d));
        }
        return out;
    }

    private static List<DeviceSpec> resolve(Device d) {
        String host = d.getHostPath();
        String access = d.getPermissions();
        if (host.isEmpty() || !host.startsWith("/")) {
            throw CriException.invalidArgument("CreateContainer: device host_path " + Quoted.of(host)
                    + " must be an absolute path");
        }
        if (!d.getContainerPath().isEmpty() && !d.getContainerPath().startsWith("/")) {
            throw CriException.invalidArgument("CreateContainer: device container_path "
                    + Quoted.of(d.getContainerPath()) + " (for " + Quoted.of(host) + ") must be an absolute path");
        }
        if (access.isEmpty() || !access.chars().allMatch(c -> c == 'r' || c == 'w' || c == 'm')) {
            throw CriException.invalidArgument("CreateContainer: device permissions " + Quoted.of(access) + " (for "
                    + Quoted.of(host) + ") must be one or more of r, w, m");
        }
        try {
            return HostDevices.resolve(host, d.getContainerPath(), access);
        } catch (NoSuchFileException e) {
            // containerd fails its spec generation with a plain error, which reaches the client as UNKNOWN
            // ("lstat <path>: no such file or directory"); its words, with the field named, under the clear code
            // the project gives bad input
            throw new CriException(Status.Code.NOT_FOUND, "CreateContainer: device host_path " + Quoted.of(host)
                    + " (for " + Quoted.of(d.getContainerPath()) + "): lstat " + Quoted.of(e.getFile())
                    + ": no such file or directory");
        } catch (HostDevices.NotADeviceException e) {
            throw CriException.invalidArgument("CreateContainer: device host_path " + Quoted.of(host)
                    + ": not a device node");
        } catch (IOException e) {
            throw new CriException(Status.Code.FAILED_PRECONDITION, "CreateContainer: device host_path "
                    + Quoted.of(host) + " cannot be read: " + Quoted.of(e.getMessage()));
        }
    }

}
