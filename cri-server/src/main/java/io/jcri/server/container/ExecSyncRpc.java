package io.jcri.server.container;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.jcri.cri.v1.ExecSyncRequest;
import io.jcri.cri.v1.ExecSyncResponse;
import io.jcri.image.ImageService;
import io.jcri.runtime.ContainerRuntime;
import io.jcri.runtime.ContainerStatus;
import io.jcri.runtime.ExecResult;
import io.jcri.runtime.ProcessSpec;
import io.jcri.server.grpc.CriException;
import io.jcri.server.store.Container;
import io.jcri.server.store.ContainerStore;
import io.jcri.server.validation.ProcessLimits;
import io.jcri.server.validation.Timeouts;
import java.time.Duration;

/**
 * {@code ExecSync}: runs a command in the container and returns its output (each stream capped at 16 MiB) and
 * exit code; past the timeout the process is killed and the call fails with DEADLINE_EXCEEDED.
 */
public final class ExecSyncRpc {
    static final int MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

    private final ContainerStore containers;
    private final ContainerRuntime runtime;
    private final ExecEnvironment environment;

    public ExecSyncRpc(ContainerStore containers, ContainerRuntime runtime, ImageService images) {
        this.containers = containers;
        this.runtime = runtime;
        this.environment = new ExecEnvironment(images);
    }

    public ExecSyncResponse execSync(ExecSyncRequest request) {
        if (request.getCmdCount() == 0) {
            throw CriException.invalidArgument("ExecSync: cmd is empty");
        }
        Duration timeout = Timeouts.seconds("ExecSync", "timeout", request.getTimeout());
        Container c = containers.get(request.getContainerId());
        if (runtime.state(c.id()).status() != ContainerStatus.RUNNING) {
            throw CriException.failedPrecondition("ExecSync: container " + c.id() + " is not running");
        }
        ProcessSpec process = new ProcessSpec(request.getCmdList(), environment.of(c), "", false, false, false,
                null, null);
        ProcessLimits.check("ExecSync", "cmd", process.args(), "the container's environment", process.env());
        ExecResult result;
        try {
            result = runtime.execSync(c.id(), process, timeout);
        } catch (IllegalStateException e) {
            throw CriException.failedPrecondition("ExecSync: " + e.getMessage());
        } catch (io.jcri.runtime.sys.NativeException e) {
            throw StartFailures.of("ExecSync", c.id(), e);
        }
        if (result.timedOut()) {
            throw new CriException(Status.Code.DEADLINE_EXCEEDED, "ExecSync: command "
                    + io.jcri.server.grpc.Quoted.of(String.join(" ", request.getCmdList())) + " timed out after " + request.getTimeout() + "s and was killed");
        }
        return ExecSyncResponse.newBuilder()
                .setStdout(capped(result.stdout()))
                .setStderr(capped(result.stderr()))
                .setExitCode(result.exitCode())
                .build();
    }

    private static ByteString capped(byte[] b) {
        return ByteString.copyFrom(b, 0, Math.min(b.length, MAX_OUTPUT_BYTES));
    }
}
