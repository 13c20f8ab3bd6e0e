package io.jcri.runtime.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Loads the compiled RuntimeDefault filter into the real kernel, on one throw-away JVM thread (seccomp without
 * TSYNC filters only the calling thread, as the launcher uses it), and makes syscalls from that thread.
 * Each probe is chosen so that without the filter the kernel would answer differently.
 */
class SeccompKernelTest {
    /** Raw syscalls: glibc wrappers might take other paths (e.g. clone3 fallbacks). */
    public interface LibC {
        long syscall(long number, long a1, long a2, long a3);

        int prctl(int option, long arg2, long arg3, long arg4, long arg5);

        int close(int fd);
    }

    private static final int PR_SET_NO_NEW_PRIVS = 38;
    private static final int SECCOMP_SET_MODE_FILTER = 1;
    private static final int EPERM = 1;
    private static final int ENOSYS = 38;

    private static LibC libc;
    private static Runtime runtime;

    @BeforeAll
    static void load() {
        System.setProperty("jnr.ffi.x86asm.enabled", "false");
        libc = LibraryLoader.create(LibC.class).load("c");
        runtime = Runtime.getRuntime(libc);
    }

    private static long nr(String name) {
        return SyscallTable.X86_64.number(name).orElseThrow();
    }

    private record Result(long value, int errno) {
    }

    @Test
    void runtimeDefaultInTheKernel() throws Exception {
        byte[] program = SeccompProfile.runtimeDefault().compile();
        // allocate on this thread: jnr may start a helper thread on first direct allocation
        Pointer filter = Memory.allocateDirect(runtime, program.length);
        filter.put(0, program, 0, program.length);
        Pointer fprog = Memory.allocateDirect(runtime, 16);
        fprog.putShort(0, (short) (program.length / 8));
        fprog.putAddress(8, filter.address());

        Map<String, Result> results = new LinkedHashMap<>();
        String[] status = new String[1];
        Throwable[] failure = new Throwable[1];
        Thread filtered = new Thread(() -> {
            try {
                results.put("no_new_privs", new Result(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0),
                        LastError.getLastError(runtime)));
                results.put("seccomp", call(nr("seccomp"), SECCOMP_SET_MODE_FILTER, 0, fprog.address()));
                results.put("getpid", call(nr("getpid"), 0, 0, 0));
                results.put("mount", call(nr("mount"), 0, 0, 0));
                results.put("unshare", call(nr("unshare"), 0x00020000L, 0, 0));
                results.put("clone3", call(nr("clone3"), 0, 0, 0));
                results.put("socket_vsock", call(nr("socket"), 40, 1, 0));
                Result unix = call(nr("socket"), 1, 1, 0);
                results.put("socket_unix", unix);
                if (unix.value() >= 0) {
                    libc.close((int) unix.value());
                }
                results.put("personality_query", call(nr("personality"), 0xffffffffL, 0, 0));
                results.put("personality_no_aslr", call(nr("personality"), 0x0040000L, 0, 0));
                results.put("keyctl", call(nr("keyctl"), 0, 0, 0));
                status[0] = Files.readString(Path.of("/proc/thread-self/status"));
            } catch (Throwable t) {
                failure[0] = t;
            }
        }, "seccomp-probe");
        filtered.start();
        filtered.join(30_000);
        assertThat(failure[0]).isNull();

        assertThat(results.get("no_new_privs").value()).isZero();
        assertThat(results.get("seccomp")).as("the kernel accepts the program").isEqualTo(new Result(0, 0));
        assertThat(status[0]).contains("NoNewPrivs:\t1").containsPattern("Seccomp:\t2");
        assertThat(results.get("getpid").value()).isEqualTo(ProcessHandle.current().pid());
        assertThat(results.get("mount")).isEqualTo(new Result(-1, EPERM));
        assertThat(results.get("unshare")).isEqualTo(new Result(-1, EPERM));
        assertThat(results.get("clone3")).isEqualTo(new Result(-1, ENOSYS));
        assertThat(results.get("socket_vsock")).isEqualTo(new Result(-1, EPERM));
        assertThat(results.get("socket_unix").value()).isNotNegative();
        assertThat(results.get("personality_query").value()).isNotNegative();
        assertThat(results.get("personality_no_aslr")).isEqualTo(new Result(-1, EPERM));
        assertThat(results.get("keyctl")).isEqualTo(new Result(-1, EPERM));
        // the rest of the JVM is not filtered
        assertThat(Files.readString(Path.of("/proc/thread-self/status"))).contains("Seccomp:\t0");
    }

    private static Result call(long number, long a1, long a2, long a3) {
        long value = libc.syscall(number, a1, a2, a3);
        return new Result(value, value < 0 ? LastError.getLastError(runtime) : 0);
    }
}
