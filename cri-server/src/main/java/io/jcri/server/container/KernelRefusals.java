package io.jcri.server.container;

import io.jcri.cri.v1.LinuxContainerResources;
import io.jcri.runtime.cgroup.CgroupException;
import io.jcri.server.grpc.CriException;
import io.jcri.server.store.Container;

/**
 * Cgroup writes the kernel refuses because of what the request asked for, as a sentence naming the field
 * instead of the errno text of the write. Anything not recognised stays what it was (an error of jcri).
 */
final class KernelRefusals {
    private KernelRefusals() {
    }

    static RuntimeException ofUpdate(Container c, LinuxContainerResources update, CgroupException e) {
        String text = String.valueOf(e.getMessage());
        if (update.getMemoryLimitInBytes() > 0 && text.contains("memory")
                && text.contains("Device or resource busy")) {
            // cgroup v1 memory.limit_in_bytes (and v2 memory.max after reclaim failed) below the current usage
            return CriException.failedPrecondition("UpdateContainerResources: linux.memory_limit_in_bytes "
                    + update.getMemoryLimitInBytes() + " is below what container " + c.id() + " uses now and"
                    + " the kernel could not reclaim enough; raise the limit or free memory in the container first");
        }
        if (text.contains("Invalid argument")) {
            return CriException.invalidArgument("UpdateContainerResources: the kernel refused a value of linux for"
                    + " container " + c.id() + " (" + e.getMessage() + ")");
        }
        return e;
    }
}
